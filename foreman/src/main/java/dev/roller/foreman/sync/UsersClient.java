package dev.roller.foreman.sync;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code GET /hosts/{fqdn}/users} from the first config server that answers (connect and read
 * timeouts; a server that cannot be reached or answers 5xx is skipped, a 4xx is final).
 */
public final class UsersClient {
  private final List<URI> servers;

  public UsersClient(List<URI> servers) {
    this.servers = List.copyOf(servers);
  }

  public List<Account> users(String host) throws IOException {
    List<String> failures = new ArrayList<>();
    for (URI server : servers) {
      HttpURLConnection c = (HttpURLConnection) server.resolve("/hosts/" + host + "/users").toURL().openConnection();
      try {
        c.setConnectTimeout(5_000);
        c.setReadTimeout(30_000);
        c.setRequestProperty("Accept", "application/yaml");
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
          String body = in == null ? "" : new String(in.readNBytes(16 << 20), StandardCharsets.UTF_8);
          if (status == 200) {
            return Account.fromDocument(new Yaml(new SafeConstructor(new LoaderOptions())).load(body));
          }
          String message = body.strip().replaceFirst("^error: ", "");
          if (status < 500) {
            throw new IOException(server + " answered " + status + " for the users of " + host + ": " + message);
          }
          failures.add(server + ": HTTP " + status + ": " + message);
        }
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(server + " answered")) {
          throw e;
        }
        failures.add(server + ": " + e);
      } catch (RuntimeException e) {
        failures.add(server + ": unreadable users document: " + e.getMessage());
      } finally {
        c.disconnect();
      }
    }
    throw new IOException("no config server answered for the users of " + host + ": " + String.join("; ", failures));
  }
}
