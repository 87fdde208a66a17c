package dev.roller.foreman.sync;

import dev.roller.host.ServerClient;
import dev.roller.repo.parse.SafeYaml;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code GET /hosts/{fqdn}/users} over the host side's one {@link ServerClient} (failover said out
 * loud, an overall deadline), read with {@link SafeYaml}'s rules and bounds.
 */
public final class UsersClient {
  /** The largest users answer accepted; a larger one is refused whole. */
  static final int MAX_BYTES = 16 << 20;

  private final ServerClient client;

  public UsersClient(List<URI> servers, Consumer<String> warn) {
    this.client = new ServerClient(servers, Duration.ofSeconds(5), Duration.ofSeconds(30), warn);
  }

  public Account.Parsed users(String host) throws IOException {
    ServerClient.Response r = client.get("/hosts/" + host + "/users", Map.of(), List.of(), MAX_BYTES, Duration.ofSeconds(60));
    if (r.status() != 200) {
      throw new IOException(r.server() + " answered " + r.status() + " for the users of " + host + ": " + r.error());
    }
    try {
      return Account.fromDocument(SafeYaml.load(r.text(), SafeYaml.Limits.of(MAX_BYTES)));
    } catch (SafeYaml.Refused e) {
      throw new IOException(r.server() + " sent a users document foreman refuses (line " + e.line() + "): " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(r.server() + ": " + e.getMessage(), e);
    }
  }
}
