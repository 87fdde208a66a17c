package dev.roller.roll.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roller.pkg.Sha256;
import dev.roller.repo.model.NameRule;
import dev.roller.roll.RollException;
import dev.roller.roll.spec.HostSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * roll's side of the config server's API: the host's spec, package tarballs, reports. Every call
 * has a connect timeout and a total timeout. Servers are tried in order: one that cannot be
 * reached or answers 5xx is skipped for the next; a 4xx (unknown host, unpublished package) is the
 * repo's answer and is final. Thread-safe.
 */
public final class ConfigServerClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> servers;
  private final HttpClient http;
  private final Duration timeout;

  public ConfigServerClient(List<URI> servers, Duration connectTimeout, Duration timeout) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no config server given");
    }
    this.servers = List.copyOf(servers);
    this.timeout = timeout;
    // HTTP/1.1: the JDK's h2c upgrade attempt buys nothing here and holds back streamed bodies.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
  }

  /** {@code GET /hosts/{fqdn}/spec}, checked. */
  @SuppressWarnings("unchecked")
  public HostSpec spec(String host) throws RollException {
    NameRule.HOST.require(host);
    List<String> failures = new ArrayList<>();
    for (URI server : servers) {
      URI uri = server.resolve("/hosts/" + host + "/spec?format=json");
      try {
        HttpResponse<String> response = http.send(get(uri), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return HostSpec.fromMap(JSON.readValue(response.body(), Map.class));
        }
        String message = error(response.body());
        if (response.statusCode() >= 400 && response.statusCode() < 500) {
          throw new RollException(server + " answered " + response.statusCode() + " for the spec of " + host + ": " + message);
        }
        failures.add(server + ": HTTP " + response.statusCode() + ": " + message);
      } catch (IOException e) {
        failures.add(server + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RollException("interrupted while fetching the spec", e);
      }
    }
    throw new RollException("no config server answered for the spec of " + host + ": " + String.join("; ", failures));
  }

  /**
   * Downloads a package's tarball to {@code target}, checking its sha256 while it streams; the file
   * appears only when complete and verified.
   */
  public void download(HostSpec.Package p, Path target) throws RollException {
    List<String> failures = new ArrayList<>();
    for (URI server : servers) {
      URI uri = server.resolve("/packages/" + p.ref().name() + "/" + p.ref().version() + "/tarball");
      Path temp = null;
      try {
        Files.createDirectories(target.getParent());
        temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        HttpResponse<InputStream> response = http.send(get(uri), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          String message;
          try (InputStream body = response.body()) {
            message = error(new String(body.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8));
          }
          if (response.statusCode() >= 400 && response.statusCode() < 500) {
            throw new RollException(server + " answered " + response.statusCode() + " for " + p.ref() + ": " + message);
          }
          failures.add(server + ": HTTP " + response.statusCode() + ": " + message);
          continue;
        }
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = response.body(); OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
          in.transferTo(out);
        }
        Sha256 actual = Sha256.of(digest);
        if (!actual.equals(p.sha256())) {
          failures.add(server + ": " + p.ref() + " has sha256 " + actual + ", the spec says " + p.sha256());
          continue;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return;
      } catch (IOException e) {
        failures.add(server + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RollException("interrupted while downloading " + p.ref(), e);
      } finally {
        if (temp != null) {
          try {
            Files.deleteIfExists(temp);
          } catch (IOException ignored) {
            // only disk space; the failure that brought us here matters more
          }
        }
      }
    }
    throw new RollException("cannot download " + p.ref() + ": " + String.join("; ", failures));
  }

  /** {@code POST /hosts/{fqdn}/report}, best effort: returns why it failed, or null. */
  public String report(String host, Map<String, Object> report) {
    List<String> failures = new ArrayList<>();
    for (URI server : servers) {
      try {
        HttpRequest request = HttpRequest.newBuilder(server.resolve("/hosts/" + host + "/report")).timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(report))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 == 2) {
          return null;
        }
        failures.add(server + ": HTTP " + response.statusCode() + ": " + error(response.body()));
      } catch (IOException e) {
        failures.add(server + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return String.join("; ", failures);
  }

  private HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
  }

  /** The message of an {@code error:} body (YAML or JSON), or the body itself, shortened. */
  private static String error(String body) {
    try {
      Object doc = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
          new org.yaml.snakeyaml.LoaderOptions())).load(body);
      if (doc instanceof Map<?, ?> map && map.get("error") != null) {
        return String.valueOf(map.get("error"));
      }
    } catch (RuntimeException e) {
      // not YAML: show it as it is
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
