package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ExecServiceManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service whose process dies at start while something else answers its health check (a stale
 * process, another service on its port; here a socket this test holds open): roll must notice that
 * the process it started is gone and fail the roll (and roll back), not call a dead service
 * healthy because its port answered.
 */
class DeadServiceTest {
  @TempDir Path dir;
  RollServer server;
  HostLayout layout;
  ExecServiceManager services;
  ServerSocket squatter;

  @BeforeEach
  void start() throws Exception {
    server = Services.appServer(dir);
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
    squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    squatter.close();
    server.close();
  }

  private Applier applier() {
    return new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(10)),
        services, Services.quietLog());
  }

  @Test
  void aServiceThatExitsAtStartIsNotHealthyBecauseSomethingElseAnswersItsPort() throws Exception {
    assertEquals(0, applier().apply(Services.HOST, false).exitCode(), "the host runs alpha and beta");
    int before = new Generations(layout).current().orElseThrow();
    // ghost exits a moment after it starts (it cannot bind its port, say); the port answers anyway.
    server.publishWithManifest("ghost", "1.0.0", """
        services:
          - name: ghost
            run: bin/ghost
            stop_timeout: 5s
            health: { tcp: "127.0.0.1:%d", timeout: 5s }
        """.formatted(squatter.getLocalPort()), "bin/ghost", "#!/bin/sh\nsleep 0.3\necho 'cannot bind: address in use'\nexit 1\n");
    Services.hostclass(server, "packages: {alpha: 1.0.0, beta: 1.0.0, ghost: 1.0.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier().apply(Services.HOST, false);

    assertEquals(3, outcome.exitCode(), "rolled back: " + outcome.message());
    assertTrue(outcome.message().contains("ghost") && outcome.message().contains("exited"), outcome.message());
    assertEquals(before, new Generations(layout).current().orElseThrow(), "back on the generation that worked");
    assertFalse(services.running("ghost"));
    assertTrue(services.running("alpha") && services.running("beta"));
  }
}
