package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.roller.host.HostLayout;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.service.ExecServiceManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * roll against a config server that lies or stalls (a small hostile HTTP server on 127.0.0.1 in
 * front of, or instead of, a real one): nothing it says is acted on unless it checks out, and it
 * cannot hold a roll past the request's deadline.
 */
class HostileServerTest {
  @TempDir Path dir;
  RollServer real;
  HttpServer hostile;
  HostLayout layout;
  ExecServiceManager services;
  final List<String> warnings = new ArrayList<>();
  volatile byte[] answer;
  volatile int dripMillis;

  @BeforeEach
  void start() throws Exception {
    real = Services.appServer(dir);
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
    hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hostile.createContext("/", this::answer);
    hostile.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    hostile.start();
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    hostile.stop(0);
    real.close();
  }

  private void answer(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().endsWith("/spec")) {
      exchange.sendResponseHeaders(503, -1); // only the spec is hostile; tarballs and reports go on to the next server
      exchange.close();
      return;
    }
    byte[] body = answer;
    exchange.getResponseHeaders().add("Content-Type", "application/yaml");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (dripMillis == 0) {
        out.write(body);
        return;
      }
      for (int i = 0; i < body.length && i < 200; i++) { // one byte at a time, at most 200 of them
        out.write(body[i]);
        out.flush();
        try {
          Thread.sleep(dripMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    } catch (IOException gone) {
      // roll hung up on us: that is the point
    }
  }

  private Applier applier(Duration specDeadline, URI... servers) {
    return new Applier(layout, new ConfigServerClient(List.of(servers), Duration.ofSeconds(2), Duration.ofSeconds(10),
        specDeadline, warnings::add), services, Services.quietLog());
  }

  private URI hostileUri() {
    return URI.create("http://127.0.0.1:" + hostile.getAddress().getPort());
  }

  private void assertUntouched(Outcome outcome) {
    assertEquals(1, outcome.exitCode(), outcome.message());
    assertFalse(Files.exists(layout.journal()));
    assertFalse(services.running("alpha"));
  }

  @Test
  void theSpecOfAnotherHostIsRefused() throws Exception {
    answer = """
        host: other1.dc1.example.com
        hostclass: app
        datacenter: dc1
        packages: []
        params: {}
        """.getBytes(StandardCharsets.UTF_8);

    Outcome outcome = applier(Duration.ofSeconds(30), hostileUri()).apply(Services.HOST, false);

    assertUntouched(outcome);
    assertTrue(outcome.message().contains("sent the spec of other1.dc1.example.com when asked for " + Services.HOST),
        outcome.message());
  }

  @Test
  void aSpecOverTheLimitIsRefusedWholeNeverCut() throws Exception {
    String head = "host: " + Services.HOST + "\nhostclass: app\ndatacenter: dc1\npackages: []\nparams: {x: '";
    answer = (head + "a".repeat(ConfigServerClient.MAX_SPEC_BYTES) + "'}\n").getBytes(StandardCharsets.UTF_8);

    Outcome outcome = applier(Duration.ofSeconds(30), hostileUri()).apply(Services.HOST, false);

    assertUntouched(outcome);
    assertTrue(outcome.message().contains("larger than " + ConfigServerClient.MAX_SPEC_BYTES + " bytes: refused whole"),
        outcome.message());
  }

  @Test
  void aSpecThatDoesNotParseWholeIsRefused() throws Exception {
    answer = ("host: " + Services.HOST + "\nhostclass: app\ndatacenter: dc1\npackages: [").getBytes(StandardCharsets.UTF_8);

    Outcome outcome = applier(Duration.ofSeconds(30), hostileUri()).apply(Services.HOST, false);

    assertUntouched(outcome);
    assertTrue(outcome.message().contains("that roll refuses"), outcome.message());
  }

  @Test
  void aServerThatDripsIsGivenUpAtTheDeadlineAndTheNextServerIsTriedOutLoud() throws Exception {
    answer = "host: x\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    dripMillis = 100; // each byte well inside the read timeout, the whole far past the deadline

    Outcome outcome = applier(Duration.ofSeconds(2), hostileUri(), real.uri()).apply(Services.HOST, false);

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertTrue(services.running("alpha"));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("no complete answer within 2 s") && w.contains("trying " + real.uri())),
        warnings.toString());
  }
}
