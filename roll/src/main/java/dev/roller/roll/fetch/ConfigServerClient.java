package dev.roller.roll.fetch;

import dev.roller.host.ServerClient;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.parse.SafeYaml;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.roll.RollException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * roll's side of the config server's API: the host's spec, package tarballs, reports, over the
 * host side's one {@link ServerClient} (failover said out loud, an overall deadline on every
 * request: 30 s for a spec, for a tarball one that grows with its size). Every answer is checked
 * before roll acts on it: a spec must parse whole under {@link SafeYaml}'s rules and bounds, name
 * this host, and fit in {@link #MAX_SPEC_BYTES} (a larger one is refused, never cut); a tarball
 * must have the sha256 the spec gives. Thread-safe.
 */
public final class ConfigServerClient {
  /** The largest spec accepted (the server refuses to serve specs far smaller than this). */
  public static final int MAX_SPEC_BYTES = 16 << 20;
  /** How long a spec request may take in all, however the server trickles it. */
  public static final Duration SPEC_DEADLINE = ServerClient.ANSWER_DEADLINE;
  private static final Duration TARBALL_FLOOR = Duration.ofSeconds(60);
  /** A tarball's deadline grows by a second for each this many bytes (1 MiB/s, a slow link). */
  private static final long TARBALL_BYTES_PER_SECOND = 1 << 20;

  private final ServerClient client;
  private final List<URI> servers;
  private final Duration specDeadline;

  public ConfigServerClient(List<URI> servers, Duration connectTimeout, Duration timeout) {
    this(servers, connectTimeout, timeout, SPEC_DEADLINE, line -> System.err.println("roll: warning: " + line));
  }

  /** As above, with the spec's overall deadline and where failovers are told. */
  public ConfigServerClient(List<URI> servers, Duration connectTimeout, Duration timeout, Duration specDeadline,
      java.util.function.Consumer<String> warn) {
    this.client = new ServerClient(servers, connectTimeout, timeout, warn);
    this.servers = List.copyOf(servers);
    this.specDeadline = specDeadline;
  }

  /**
   * A spec answer: the spec, or null when it is the one the caller has ({@code 304}); the commit
   * served; and what the server's rollout says of this host ({@code X-Roller-Rollout}: {@code
   * target ...} or {@code held (why)}; null from a server without rollouts).
   */
  public record SpecAnswer(Spec spec, String commit, String rollout, java.time.Instant issued) {}

  private dev.roller.host.Trust trust;
  private java.util.function.Supplier<dev.roller.repo.trust.Signatures.Signer> reportKey;

  /** HTTPS servers are checked against {@code ca:} in roll.yml (null: the system's CAs). */
  public ConfigServerClient tls(javax.net.ssl.SSLSocketFactory factory) {
    client.tls(factory);
    return this;
  }

  /** Reports from now on are signed with this host's key ({@code X-Roller-Signature} over the body). */
  public ConfigServerClient signReports(dev.roller.repo.trust.Signatures.Signer hostKey) {
    return signReports(() -> hostKey);
  }

  /**
   * As above, the key read (or made) only when a report is first sent: a no-op roll sends none,
   * and an Ed25519 key costs a cold JVM tens of milliseconds. A null key sends the report unsigned.
   */
  public ConfigServerClient signReports(java.util.function.Supplier<dev.roller.repo.trust.Signatures.Signer> hostKey) {
    this.reportKey = hostKey;
    return this;
  }

  /** Every spec answer from now on must pass {@code trust} (null: answers are not verified). */
  public ConfigServerClient trust(dev.roller.host.Trust trust) {
    this.trust = trust;
    return this;
  }

  /** {@code GET /hosts/{fqdn}/spec}, checked. */
  public Spec spec(String host) throws RollException {
    return spec(host, null).spec();
  }

  /**
   * {@code GET /hosts/{fqdn}/spec}; with {@code digest} (the spec digest this host has), the
   * server answers 304 when the spec is still that one, and the answer's spec is null.
   */
  public SpecAnswer spec(String host, String digest) throws RollException {
    return spec(host, digest, Duration.ZERO);
  }

  /**
   * As above; with a {@code wait} (and a digest), a long-poll: the server holds the request until
   * this host's answer changes (a new commit, its rollout wave opening) or the wait is up (304).
   */
  public SpecAnswer spec(String host, String digest, Duration wait) throws RollException {
    return spec(host, digest, wait, false);
  }

  /**
   * As above; with {@code retry} ({@code roll apply --retry}), the server serves the target even
   * though it failed here (it holds a failed host on the spec it runs otherwise).
   */
  public SpecAnswer spec(String host, String digest, Duration wait, boolean retry) throws RollException {
    NameRule.HOST.require(host);
    boolean polling = digest != null && !wait.isZero();
    String query = (polling ? "&wait=" + wait.toMillis() + "ms" : "") + (retry ? "&retry=1" : "");
    String path = "/hosts/" + host + "/spec" + (query.isEmpty() ? "" : "?" + query.substring(1));
    ServerClient.Response r;
    try {
      r = client.get(path, digest == null ? Map.of() : Map.of("If-None-Match", etag(digest)),
          List.of("X-Roller-Commit", "X-Roller-Rollout", dev.roller.repo.trust.Signatures.HEADER), MAX_SPEC_BYTES, specDeadline,
          polling ? wait : Duration.ZERO);
    } catch (ServerClient.Unreachable e) {
      throw new RollException(e.getMessage().replace("no config server answered GET /hosts/" + host + "/spec",
          "no config server answered for the spec of " + host), e);
    }
    String commit = r.headers().get("X-Roller-Commit");
    String rollout = r.headers().get("X-Roller-Rollout");
    if (r.status() == 304 && digest != null) {
      return new SpecAnswer(null, commit, rollout, null);
    }
    if (r.status() != 200) {
      throw new RollException(r.server() + " answered " + r.status() + " for the spec of " + host + ": " + r.error());
    }
    if (trust != null) {
      // Before a byte of it is parsed: the signature is over the exact bytes sent.
      String problem = trust.signatureProblem(r);
      if (problem != null) {
        throw new RollException(r.server() + " sent a spec for " + host + " that roll refuses: " + problem + " (host untouched)");
      }
    }
    Object doc;
    try {
      doc = SafeYaml.load(r.text(), SafeYaml.Limits.of(MAX_SPEC_BYTES));
    } catch (SafeYaml.Refused e) {
      throw new RollException(r.server() + " sent a spec for " + host + " that roll refuses (line " + e.line() + "): "
          + e.getMessage(), e);
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new RollException(r.server() + " sent a spec for " + host + " that is not a mapping");
    }
    Spec spec;
    try {
      spec = SpecCodec.fromMap(map, SpecCodec.Identity.REQUIRED);
    } catch (IllegalArgumentException e) {
      throw new RollException(r.server() + " sent a spec roll cannot use: " + e.getMessage() + " (host untouched)", e);
    }
    if (!spec.host().equals(host)) {
      throw new RollException(r.server() + " sent the spec of " + spec.host() + " when asked for " + host
          + ": refused (host untouched)");
    }
    java.time.Instant issued = dev.roller.host.Trust.issued(map.get("issued"));
    String stale = trust == null ? null : trust.freshnessProblem(issued);
    if (stale != null) {
      throw new RollException(r.server() + " sent a spec for " + host + " that roll refuses: " + stale + " (host untouched)");
    }
    return new SpecAnswer(spec, commit, rollout, issued);
  }

  /** The weak ETag the server gives a spec with this digest. */
  private static String etag(String digest) {
    return "W/\"" + digest + "\"";
  }

  /**
   * Downloads a package's tarball to {@code target}, checking its sha256 while it streams; the file
   * appears only when complete and verified. A server that sends other bytes is passed over.
   */
  public void download(Spec.Package p, Path target) throws RollException {
    Duration deadline = TARBALL_FLOOR.plusSeconds(p.size() / TARBALL_BYTES_PER_SECOND);
    String path = "/packages/" + p.ref().name() + "/" + p.ref().version() + "/tarball";
    ServerClient.Response r;
    try {
      Files.createDirectories(target.getParent());
      r = client.stream(path, deadline, in -> {
        MessageDigest digest = Sha256.newDigest();
        // Into the cache only whole, on disk, and with the sha256 the spec names.
        dev.roller.host.AtomicFile.write(target, out -> in.transferTo(new DigestOutputStream(new OnThisHost(out), digest)), "rw-r--r--",
            temp -> {
              Sha256 actual = Sha256.of(digest);
              if (!actual.equals(p.sha256())) {
                throw new IOException(p.ref() + " has sha256 " + actual + ", the spec says " + p.sha256());
              }
            });
      });
    } catch (java.io.UncheckedIOException e) {
      // This host's disk, not the server: said as such, and no other server is tried for it.
      throw new RollException("cannot download " + p.ref() + ": cannot write " + target.getParent() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (ServerClient.Unreachable e) {
      throw new dev.roller.roll.Unavailable("cannot download " + p.ref() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new RollException("cannot download " + p.ref() + ": " + e.getMessage(), e);
    }
    if (r.status() / 100 == 5) {
      throw new dev.roller.roll.Unavailable(r.server() + " answered " + r.status() + " for " + p.ref() + ": " + r.error());
    }
    if (r.status() != 200) {
      throw new RollException(r.server() + " answered " + r.status() + " for " + p.ref() + ": " + r.error());
    }
  }

  /**
   * Where a download is written: a failure to write (a full disk) is this host's, so it is thrown
   * unchecked, past the client's "try the next server" (which is for what a server does wrong).
   */
  private static final class OnThisHost extends java.io.FilterOutputStream {
    OnThisHost(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void flush() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** {@code POST /hosts/{fqdn}/report} (YAML), best effort: returns why it failed, or null. */
  public String report(String host, Map<String, Object> report) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    byte[] body = new Yaml(options).dump(report).getBytes(StandardCharsets.UTF_8);
    try {
      dev.roller.repo.trust.Signatures.Signer key = reportKey == null ? null : reportKey.get();
      Map<String, String> headers = key == null ? Map.of("Content-Type", "application/yaml")
          : Map.of("Content-Type", "application/yaml", dev.roller.repo.trust.Signatures.HEADER, key.header(body));
      ServerClient.Response r = client.post("/hosts/" + host + "/report", headers, body, 64 << 10, SPEC_DEADLINE);
      return r.status() / 100 == 2 ? null : r.server() + ": HTTP " + r.status() + ": " + r.error();
    } catch (ServerClient.Unreachable e) {
      return e.getMessage();
    }
  }
}
