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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * roll killed with SIGKILL at each point of a roll: {@code /usr/local} always points at a complete
 * generation that verifies, and the next roll finishes or undoes the killed one and succeeds.
 */
class CrashSafetyTest {
  static final String HOST = Services.HOST;

  @TempDir Path dir;
  RollServer server;
  HostLayout layout;
  ExecServiceManager services;
  Applier applier;

  @BeforeEach
  void start() throws Exception {
    server = Services.appServer(dir);
    Services.publish(server, "beta", "1.1.0", "");
    Services.publish(server, "alpha", "2.0.0", "false");
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
    applier = new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20)),
        services, Services.quietLog()).lockWait(Duration.ofMillis(300));
    assertEquals(0, applier.apply(HOST, false).exitCode());
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    server.close();
  }

  private void hostclass(String yaml) throws Exception {
    Services.hostclass(server, yaml);
  }

  private RollProcess rollUntil(String point) throws Exception {
    RollProcess roll = RollProcess.start(point, "apply", "--yes", "--root", layout.root().toString(), "--host", HOST,
        "--config-server", server.uri().toString());
    roll.awaitPause(point);
    return roll;
  }

  /** /usr/local points at a numbered generation that is whole: it verifies against its own index. */
  private void assertOnACompleteGeneration() throws Exception {
    Generations generations = new Generations(layout);
    assertTrue(generations.current().isPresent(), "usr/local points at a generation");
    int current = generations.current().getAsInt();
    assertEquals(List.of(), applier.verify(current, true), "generation " + current + " is complete");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fetched", "building", "stopping", "stopped-one", "switching", "switched", "activating",
      "starting", "checking"})
  void killedAtAnyPointTheHostStaysWholeAndTheNextRollSucceeds(String point) throws Exception {
    Services.publish(server, "gamma", "1.0.0", "");
    hostclass("packages: {alpha: 1.0.0, beta: 1.1.0, gamma: 1.0.0}\nparams: {greeting: bonjour}\n");

    rollUntil(point).kill();
    assertOnACompleteGeneration();

    Outcome next = applier.apply(HOST, false);

    assertEquals(0, next.exitCode(), next.message());
    assertOnACompleteGeneration();
    assertFalse(Files.exists(layout.journal()), "no journal left");
    try (Stream<Path> children = Files.list(layout.generations())) {
      assertEquals(List.of(), children.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
    }
    assertEquals("greeting=bonjour\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")));
    assertTrue(Services.state(layout, "beta").contains(" 1.1.0 greeting=bonjour"), Services.state(layout, "beta"));
    assertTrue(Services.state(layout, "gamma").contains(" 1.0.0 "));
    assertTrue(services.running("alpha"));
  }

  @Test
  void killedWhileRollingBackTheNextRollFinishesTheRollback() throws Exception {
    hostclass("packages: {alpha: 2.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");

    rollUntil("rolling-back").kill();
    assertOnACompleteGeneration();

    Outcome next = applier.apply(HOST, false);

    assertEquals(3, next.exitCode(), "the spec still fails its health check: " + next.message());
    assertEquals(1, new Generations(layout).current().getAsInt());
    assertTrue(Services.state(layout, "alpha").contains(" 1.0.0 "));
    assertFalse(Files.exists(layout.journal()));
  }

  @Test
  void aSecondRollWaitsThenSaysWhoHoldsTheLock() throws Exception {
    hostclass("packages: {alpha: 1.0.0, beta: 1.1.0}\nparams: {greeting: hello}\n");
    RollProcess first = rollUntil("building");

    Outcome second = applier.apply(HOST, false);

    assertEquals(1, second.exitCode());
    assertTrue(second.message().contains("another roll is running (pid " + first.process.pid() + ", roll apply"),
        second.message());
    first.kill();
    assertEquals(0, applier.apply(HOST, false).exitCode(), "the lock went with the killed roll");
  }
}
