package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.roller.host.HostLayout;
import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.roll.service.HealthChecker;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three kinds of health check against real listeners and commands on 127.0.0.1. */
class HealthCheckerTest {
  @TempDir Path root;

  private HealthChecker checker() throws Exception {
    HostLayout layout = new HostLayout(root);
    Files.createDirectories(layout.usrLocal());
    return new HealthChecker(layout);
  }

  @Test
  void httpPassesOn2xxAndFailsWithTheStatus() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", e -> { e.sendResponseHeaders(200, -1); e.close(); });
    server.createContext("/sick", e -> { e.sendResponseHeaders(500, -1); e.close(); });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      assertTrue(checker().await(new HealthCheck(HealthCheck.Kind.HTTP, base + "/health", Duration.ofSeconds(5))).healthy());
      HealthChecker.Result sick = checker().await(new HealthCheck(HealthCheck.Kind.HTTP, base + "/sick", Duration.ofMillis(400)));
      assertFalse(sick.healthy());
      assertTrue(sick.detail().endsWith("HTTP 500"), sick.detail());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tcpPassesWhenSomethingListensAndFailsWithinItsTimeoutWhenNothingDoes() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertTrue(checker().await(new HealthCheck(HealthCheck.Kind.TCP, "127.0.0.1:" + listening.getLocalPort(), Duration.ofSeconds(5))).healthy());
    }
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HealthChecker.Result down = checker().await(new HealthCheck(HealthCheck.Kind.TCP, "127.0.0.1:" + closed, Duration.ofMillis(300)));
    assertFalse(down.healthy());
    assertTrue(down.detail().contains("failed for 300 ms"), down.detail());
  }

  @Test
  void aCommandPassesOnExitZeroRunInUsrLocal() throws Exception {
    HealthChecker checker = checker();
    Files.writeString(root.resolve("usr/local/ready"), "");
    assertTrue(checker.await(new HealthCheck(HealthCheck.Kind.COMMAND, "test -f ready", Duration.ofSeconds(5))).healthy());
    HealthChecker.Result result = checker.await(new HealthCheck(HealthCheck.Kind.COMMAND, "echo not yet; exit 3", Duration.ofMillis(300)));
    assertFalse(result.healthy());
    assertEquals(true, result.detail().endsWith("exit 3: not yet"), result.detail());
  }
}
