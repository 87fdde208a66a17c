package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.roll.apply.Outcome;
import dev.roller.roll.generation.Generations;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service whose process dies at start while something else answers its health check (a stale
 * process, another service on its port; here a socket this test holds open): roll must notice that
 * the process it started is gone and fail the roll (and roll back), not call a dead service
 * healthy because its port answered.
 */
class DeadServiceTest extends ApplyFixture {
  ServerSocket squatter;

  @BeforeEach
  void squat() throws Exception {
    squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void leave() throws Exception {
    squatter.close();
  }

  @Test
  void aServiceThatExitsAtStartIsNotHealthyBecauseSomethingElseAnswersItsPort() throws Exception {
    assertEquals(0, applier.apply(Services.HOST, false).exitCode(), "the host runs alpha and beta");
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

    Outcome outcome = applier.apply(Services.HOST, false);

    assertEquals(3, outcome.exitCode(), "rolled back: " + outcome.message());
    assertTrue(outcome.message().contains("ghost") && outcome.message().contains("exited"), outcome.message());
    assertEquals(before, new Generations(layout).current().orElseThrow(), "back on the generation that worked");
    assertFalse(services.running("ghost"));
    assertTrue(services.running("alpha") && services.running("beta"));
  }
}
