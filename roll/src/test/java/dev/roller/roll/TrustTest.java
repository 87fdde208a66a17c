package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.roller.host.HostLayout;
import dev.roller.repo.TestRepo;
import dev.roller.repo.trust.Keys;
import dev.roller.repo.trust.Signatures;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ExecServiceManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * roll with trust: (DESIGN §9) against a signing config server, through a proxy on 127.0.0.1 that
 * plays the man in the middle: a byte changed, another host's signed spec, yesterday's signed spec,
 * an unsigned answer, a key the host does not trust. Each is refused, exit 1, the host untouched.
 */
class TrustTest {
  static final String HOST = Services.HOST;
  static final String OTHER = "app2.dc1.example.com";

  @TempDir Path dir;
  KeyPair serverKey;
  RollServer server;
  HttpServer proxy;
  volatile UnaryOperator<Answer> tamper = UnaryOperator.identity();
  HostLayout layout;
  ExecServiceManager services;

  /** An answer as it passes the proxy. */
  record Answer(int status, byte[] body, String signature, String etag, String commit) {}

  @BeforeEach
  void start() throws Exception {
    serverKey = Keys.generate();
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/app.yml", "packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    repo.write("hosts/" + HOST + ".yml", "hostclass: app\ndatacenter: dc1\n");
    repo.write("hosts/" + OTHER + ".yml", "hostclass: app\ndatacenter: dc1\nparams: {greeting: other}\n");
    repo.commit("app hosts");
    server = new RollServer(repo, dir.resolve("server"), new Signatures.Signer(serverKey.getPrivate()));
    Services.publish(server, "alpha", "1.0.0", "");
    Services.publish(server, "beta", "1.0.0", "");
    HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext("/", exchange -> {
      try {
        forward(upstream, exchange);
      } catch (Exception e) {
        exchange.sendResponseHeaders(502, -1);
      } finally {
        exchange.close();
      }
    });
    proxy.start();
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
  }

  private void forward(HttpClient upstream, HttpExchange exchange) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(server.uri().resolve(exchange.getRequestURI().toString()));
    String inm = exchange.getRequestHeaders().getFirst("If-None-Match");
    if (inm != null) {
      r.header("If-None-Match", inm);
    }
    byte[] sent = exchange.getRequestBody().readAllBytes();
    r.method(exchange.getRequestMethod(), sent.length == 0 ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(sent));
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      r.header("Content-Type", type);
    }
    HttpResponse<byte[]> got = upstream.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    Answer answer = new Answer(got.statusCode(), got.body(), got.headers().firstValue(Signatures.HEADER).orElse(null),
        got.headers().firstValue("ETag").orElse(null), got.headers().firstValue("X-Roller-Commit").orElse(null));
    if (exchange.getRequestURI().getPath().endsWith("/spec")) {
      answer = tamper.apply(answer);
    }
    if (answer.signature() != null) {
      for (String one : answer.signature().split("\n")) { // several lines: the header sent once per line
        exchange.getResponseHeaders().add(Signatures.HEADER, one);
      }
    }
    if (answer.etag() != null) {
      exchange.getResponseHeaders().add("ETag", answer.etag());
    }
    if (answer.commit() != null) {
      exchange.getResponseHeaders().add("X-Roller-Commit", answer.commit());
    }
    boolean empty = answer.status() == 304 || answer.body().length == 0;
    exchange.sendResponseHeaders(answer.status(), empty ? -1 : answer.body().length);
    if (!empty) {
      exchange.getResponseBody().write(answer.body());
    }
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    proxy.stop(0);
    server.close();
  }

  private Applier applier(List<java.security.PublicKey> trusted, Duration maxAge) {
    ConfigServerClient client = new ConfigServerClient(List.of(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort())),
        Duration.ofSeconds(2), Duration.ofSeconds(20))
        .trust(new dev.roller.host.Trust(new Signatures.Verifier(trusted), maxAge, layout::lastIssued));
    return new Applier(layout, client, services, Services.quietLog());
  }

  /** The signed answer the server gives {@code host} now, as the proxy would see it. */
  private Answer signedSpec(String host) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/hosts/" + host
        + "/spec")).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r.body(), r.headers().firstValue(Signatures.HEADER).orElseThrow(),
        r.headers().firstValue("ETag").orElseThrow(), r.headers().firstValue("X-Roller-Commit").orElseThrow());
  }

  /** The server's answer for {@code host} with another issued time, signed with the server's own key: a genuine old answer. */
  private Answer issuedAt(String host, Instant issued) throws Exception {
    Answer now = signedSpec(host);
    String body = new String(now.body(), StandardCharsets.UTF_8)
        .replaceAll("(?m)^issued: .*$", "issued: '" + issued.truncatedTo(ChronoUnit.SECONDS) + "'");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new Answer(200, bytes, new Signatures.Signer(serverKey.getPrivate()).header(bytes), now.etag(), now.commit());
  }

  private void refused(Applier applier, String why) throws Exception {
    List<Integer> before = new Generations(layout).list();
    String alpha = Files.exists(layout.root().resolve("state/alpha")) ? Services.state(layout, "alpha") : null;
    Outcome outcome = applier.apply(HOST, false);
    assertEquals(1, outcome.exitCode(), outcome.message());
    assertTrue(outcome.message().contains(why) && outcome.message().contains("host untouched"), outcome.message());
    assertEquals(before, new Generations(layout).list(), "no generation built");
    if (alpha != null) {
      assertEquals(alpha, Services.state(layout, "alpha"), "nothing restarted");
    }
  }

  @Test
  void aSignedSpecIsAppliedAndEveryTamperingIsRefused() throws Exception {
    Applier trusting = applier(List.of(serverKey.getPublic()), Duration.ofDays(7));

    tamper = a -> {
      byte[] body = a.body().clone();
      int at = new String(body, StandardCharsets.UTF_8).indexOf("greeting: hello") + "greeting: ".length();
      body[at] = (byte) 'j'; // hello -> jello, the signature kept
      return new Answer(a.status(), body, a.signature(), a.etag(), a.commit());
    };
    refused(trusting, "bad signature");

    Answer other = signedSpec(OTHER);
    tamper = a -> other;
    refused(trusting, "sent the spec of " + OTHER + " when asked for " + HOST);

    tamper = a -> new Answer(a.status(), a.body(), null, a.etag(), a.commit());
    refused(trusting, "not signed");

    tamper = a -> new Answer(a.status(), a.body(), a.signature() + "\n" + a.signature(), a.etag(), a.commit());
    refused(trusting, "is not ed25519:<key id>:<signature>"); // the header twice

    tamper = UnaryOperator.identity();
    refused(applier(List.of(Keys.generate().getPublic()), Duration.ofDays(7)), "not trusted here");

    Answer old = issuedAt(HOST, Instant.now().minus(Duration.ofDays(8)));
    tamper = a -> old;
    refused(trusting, "too old");

    tamper = UnaryOperator.identity();
    assertEquals(0, trusting.apply(HOST, false).exitCode(), "the genuine answer is applied");
    assertTrue(Services.state(layout, "alpha").contains("1.0.0"));

    // Yesterday's answer, genuinely signed, replayed after today's was applied.
    Services.publish(server, "alpha", "1.1.0", "");
    Services.hostclass(server, "packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    Answer yesterday = issuedAt(HOST, Instant.now().minus(Duration.ofDays(1)));
    tamper = a -> a.status() == 200 ? yesterday : a;
    refused(trusting, "a replay");
  }

  @Test
  void twoTrustedKeysLetTheServerRotateItsKey() throws Exception {
    KeyPair next = Keys.generate();
    Applier trusting = applier(List.of(serverKey.getPublic(), next.getPublic()), Duration.ofDays(7));
    tamper = a -> {
      if (a.status() != 200) {
        return a;
      }
      return new Answer(200, a.body(), new Signatures.Signer(next.getPrivate()).header(a.body()), a.etag(), a.commit());
    };
    assertEquals(0, trusting.apply(HOST, false).exitCode(), "signed by the new key, trusted next to the old one");
  }

  @Test
  void rollKeyPrintsTheHostKeyAndReportsSignedWithItAreVerified() throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    assertEquals(0, dev.roller.roll.cli.Roll.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter()),
        java.util.Map.of(), "key", "--root", layout.root().toString(), "--host", HOST));
    String line = out.toString().strip();
    assertTrue(line.startsWith("key: ed25519:"), line);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.hostKey())));
    Signatures.Signer key = dev.roller.host.HostKey.loadOrCreate(layout);
    assertEquals(line, dev.roller.host.HostKey.line(key), "made once, the same key every time");

    server.repo.write("hosts/" + HOST + ".yml", "hostclass: app\ndatacenter: dc1\n" + line + "\n");
    server.repo.commit("app1 declares its key");
    server.refresh();
    ConfigServerClient client = new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20))
        .signReports(key);
    assertEquals(0, new Applier(layout, client, services, Services.quietLog()).apply(HOST, false).exitCode());
    String kept = Files.readString(server.dir.resolve("store").resolve(dev.roller.pkg.store.StoreKeys.report(HOST)));
    assertTrue(kept.contains("verified: true"), kept);

    // Unsigned, as another machine claiming to be this host would send it: refused, the kept report stays.
    ConfigServerClient forger = new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20));
    String refused = forger.report(HOST, java.util.Map.of("result", "failed"));
    assertTrue(refused != null && refused.contains("HTTP 401"), refused);
    assertEquals(kept, Files.readString(server.dir.resolve("store").resolve(dev.roller.pkg.store.StoreKeys.report(HOST))));
  }
}
