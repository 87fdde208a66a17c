package dev.roller.foreman.sync;

import dev.roller.host.ServerClient;
import dev.roller.host.Trust;
import dev.roller.repo.trust.Signatures;
import dev.roller.repo.parse.SafeYaml;
import java.io.IOException;
import java.net.URI;
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
  private final Trust trust;

  public UsersClient(List<URI> servers, Consumer<String> warn) {
    this(servers, warn, null);
  }

  /** With {@code trust} (null: answers are not verified), every answer must pass it before it is read. */
  public UsersClient(List<URI> servers, Consumer<String> warn, Trust trust) {
    this.client = new ServerClient(servers, ServerClient.CONNECT, ServerClient.SILENCE, warn);
    this.trust = trust;
  }

  /** HTTPS servers are checked against {@code ca:} in roll.yml (null: the system's CAs). */
  public UsersClient tls(javax.net.ssl.SSLSocketFactory factory) {
    client.tls(factory);
    return this;
  }

  /** The accounts the server says {@code host} keeps, and when that answer was issued (null when it does not say). */
  public record Answer(Account.Parsed accounts, java.time.Instant issued) {}

  public Account.Parsed users(String host) throws IOException {
    return answer(host).accounts();
  }

  public Answer answer(String host) throws IOException {
    ServerClient.Response r = client.get("/hosts/" + host + "/users", Map.of(), List.of(Signatures.HEADER), MAX_BYTES,
        ServerClient.ANSWER_DEADLINE);
    if (r.status() != 200) {
      throw new IOException(r.server() + " answered " + r.status() + " for the users of " + host + ": " + r.error());
    }
    String refused = trust == null ? null : trust.signatureProblem(r);
    if (refused != null) {
      throw new IOException(r.server() + " sent a users answer for " + host + " that foreman refuses: " + refused
          + " (nothing changed)");
    }
    try {
      Object doc = SafeYaml.load(r.text(), SafeYaml.Limits.of(MAX_BYTES));
      java.time.Instant issued = doc instanceof Map<?, ?> m ? Trust.issued(m.get("issued")) : null;
      if (trust != null) {
        Object named = doc instanceof Map<?, ?> m ? m.get("host") : null;
        String stale = !host.equals(named) ? "it is the users answer of " + named + ", not of " + host
            : trust.freshnessProblem(issued);
        if (stale != null) {
          throw new IOException(r.server() + " sent a users answer for " + host + " that foreman refuses: " + stale
              + " (nothing changed)");
        }
      }
      return new Answer(Account.fromDocument(doc), issued);
    } catch (SafeYaml.Refused e) {
      throw new IOException(r.server() + " sent a users document foreman refuses (line " + e.line() + "): " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(r.server() + ": " + e.getMessage(), e);
    }
  }
}
