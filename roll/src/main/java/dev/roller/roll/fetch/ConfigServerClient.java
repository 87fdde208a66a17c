package dev.roller.roll.fetch;

import dev.roller.pkg.Sha256;
import dev.roller.repo.model.NameRule;
import dev.roller.roll.RollException;
import dev.roller.roll.spec.HostSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * roll's side of the config server's API: the host's spec, package tarballs, reports. Every call
 * has a connect timeout and a read timeout (the longest silence allowed). Servers are tried in
 * order: one that cannot be reached or answers 5xx is skipped for the next; a 4xx (unknown host,
 * unpublished package) is the repo's answer and is final. Thread-safe.
 *
 * <p>Built on the JDK's {@link HttpURLConnection} and YAML (the server's default format), which
 * keeps a no-op roll quick: no TLS set-up unless a server is https, no JSON library to load.
 */
public final class ConfigServerClient {
  private static final int MAX_SPEC_BYTES = 16 << 20;

  private final List<URI> servers;
  private final int connectMillis;
  private final int readMillis;

  public ConfigServerClient(List<URI> servers, Duration connectTimeout, Duration timeout) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no config server given");
    }
    this.servers = List.copyOf(servers);
    this.connectMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.readMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
  }

  /** A spec answer: the spec, or null when it is the one the caller has ({@code 304}); the commit served. */
  public record SpecAnswer(HostSpec spec, String commit) {}

  /** {@code GET /hosts/{fqdn}/spec}, checked. */
  public HostSpec spec(String host) throws RollException {
    return spec(host, null).spec();
  }

  /**
   * {@code GET /hosts/{fqdn}/spec}; with {@code digest} (the spec digest this host has), the
   * server answers 304 when the spec is still that one, and the answer's spec is null.
   */
  @SuppressWarnings("unchecked")
  public SpecAnswer spec(String host, String digest) throws RollException {
    NameRule.HOST.require(host);
    if (digest != null) {
      SpecAnswer unchanged = probe(host, digest);
      if (unchanged != null) {
        return unchanged;
      }
    }
    List<String> failures = new ArrayList<>();
    for (URI server : servers) {
      URI uri = server.resolve("/hosts/" + host + "/spec");
      HttpURLConnection c = null;
      try {
        c = open(uri, "GET");
        if (digest != null) {
          c.setRequestProperty("If-None-Match", etag(digest));
        }
        int status = c.getResponseCode();
        if (status == 304 && digest != null) {
          return new SpecAnswer(null, c.getHeaderField("X-Roller-Commit"));
        }
        if (status == 200) {
          String body;
          try (InputStream in = c.getInputStream()) {
            body = new String(in.readNBytes(MAX_SPEC_BYTES), StandardCharsets.UTF_8);
          }
          Object doc = yaml().load(body);
          if (!(doc instanceof Map<?, ?> map)) {
            throw new RollException(server + " sent a spec for " + host + " that is not a mapping");
          }
          return new SpecAnswer(HostSpec.fromMap((Map<String, Object>) map), c.getHeaderField("X-Roller-Commit"));
        }
        String message = error(c);
        if (status >= 400 && status < 500) {
          throw new RollException(server + " answered " + status + " for the spec of " + host + ": " + message);
        }
        failures.add(server + ": HTTP " + status + ": " + message);
      } catch (IOException e) {
        failures.add(server + ": " + describe(e));
      } catch (RuntimeException e) {
        failures.add(server + ": unreadable spec: " + e.getMessage());
      } finally {
        if (c != null) {
          c.disconnect();
        }
      }
    }
    throw new RollException("no config server answered for the spec of " + host + ": " + String.join("; ", failures));
  }

  /**
   * The quick way to learn that the spec is still {@code digest}: {@link NotModifiedProbe} to the
   * plain-http servers in order, passing over those that cannot be reached. The first that answers
   * decides: its 304 is the answer; anything else (a new spec, an error) returns null, and the
   * full request follows.
   */
  private SpecAnswer probe(String host, String digest) {
    for (URI server : servers) {
      if (!"http".equals(server.getScheme())) {
        return null;
      }
      try {
        NotModifiedProbe.Answer answer = NotModifiedProbe.get(server.resolve("/hosts/" + host + "/spec"),
            etag(digest), connectMillis, readMillis);
        return answer.status() == 304 ? new SpecAnswer(null, answer.commit()) : null;
      } catch (IOException e) {
        // the full request tries this server again, and says why it failed if no other answers
      }
    }
    return null;
  }

  /** The weak ETag the server gives a spec with this digest. */
  private static String etag(String digest) {
    return "W/\"" + digest + "\"";
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
      HttpURLConnection c = null;
      try {
        Files.createDirectories(target.getParent());
        temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        c = open(uri, "GET");
        int status = c.getResponseCode();
        if (status != 200) {
          String message = error(c);
          if (status >= 400 && status < 500) {
            throw new RollException(server + " answered " + status + " for " + p.ref() + ": " + message);
          }
          failures.add(server + ": HTTP " + status + ": " + message);
          continue;
        }
        MessageDigest digest = Sha256.newDigest();
        try (InputStream in = c.getInputStream(); OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
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
      } finally {
        if (c != null) {
          c.disconnect();
        }
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

  /** {@code POST /hosts/{fqdn}/report} (YAML), best effort: returns why it failed, or null. */
  public String report(String host, Map<String, Object> report) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    byte[] body = new Yaml(options).dump(report).getBytes(StandardCharsets.UTF_8);
    List<String> failures = new ArrayList<>();
    for (URI server : servers) {
      HttpURLConnection c = null;
      try {
        c = open(server.resolve("/hosts/" + host + "/report"), "POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/yaml");
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body);
        }
        int status = c.getResponseCode();
        if (status / 100 == 2) {
          c.getInputStream().readAllBytes();
          return null;
        }
        failures.add(server + ": HTTP " + status + ": " + error(c));
      } catch (IOException e) {
        failures.add(server + ": " + describe(e));
      } finally {
        if (c != null) {
          c.disconnect();
        }
      }
    }
    return String.join("; ", failures);
  }

  private HttpURLConnection open(URI uri, String method) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(connectMillis);
    c.setReadTimeout(readMillis);
    c.setUseCaches(false);
    c.setInstanceFollowRedirects(false);
    c.setRequestProperty("Accept", "application/yaml");
    return c;
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(MAX_SPEC_BYTES);
    return new Yaml(new SafeConstructor(options));
  }

  /** The message of an {@code error:} body, or the body itself, shortened. */
  private static String error(HttpURLConnection c) {
    String body;
    try (InputStream in = c.getErrorStream() != null ? c.getErrorStream() : c.getInputStream()) {
      body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no readable body: " + describe(e) + ")";
    }
    try {
      Object doc = yaml().load(body);
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
