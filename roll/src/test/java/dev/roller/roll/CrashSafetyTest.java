package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Journal;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ExecServiceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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

  static final String[] GOOD = {
      "packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: hello}\n",
      "packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: bonjour}\n",
      "packages: {alpha: 1.0.0, beta: 1.1.0, gamma: 1.0.0}\nparams: {greeting: bonjour}\n",
      "packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n",
  };
  /** alpha 2.0.0 never passes its health check: the roll swaps back and restarts what ran. */
  static final String FAILING = "packages: {alpha: 2.0.0, beta: 1.1.0}\nparams: {greeting: hola}\n";

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

  private void assertOnACompleteGeneration() throws Exception {
    assertOnACompleteGeneration("after the kill");
  }

  /** /usr/local points at a numbered generation that is whole: it verifies against its own index. */
  private void assertOnACompleteGeneration(String what) throws Exception {
    Generations generations = new Generations(layout);
    assertTrue(generations.current().isPresent(), what + ": usr/local points at a generation");
    int current = generations.current().getAsInt();
    assertEquals(List.of(), applier.verify(current, true), what + ": generation " + current + " is complete");
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

  private RollProcess roll() throws Exception {
    return RollProcess.start(null, "apply", "--yes", "--root", layout.root().toString(), "--host", HOST,
        "--config-server", server.uri().toString());
  }

  /**
   * roll (its own JVM, as on a host) killed with SIGKILL at random instants of real rolls, in turn an
   * upgrade, a change of params only, a package added or removed, and a spec whose health check fails
   * (so the kill can land in the rollback): after each kill {@code /usr/local} is a complete
   * generation that verifies and every running service runs from a generation that still exists;
   * the next roll finishes or undoes the journal, succeeds, and leaves the spec it was given running.
   *
   * <p>{@code -Droller.kills=N} (default 10, for CI; {@code bench/run kills} runs 100) and
   * {@code -Droller.kills.seed=S} (default: the time; printed, so a failure can be replayed);
   * {@code -Droller.kills.out=FILE} writes the figures there.
   */
  @Test
  void killedAtRandomTheHostIsAlwaysOnACompleteGenerationAndTheNextRollSucceeds() throws Exception {
    Services.publish(server, "alpha", "1.1.0", "");
    Services.publish(server, "gamma", "1.0.0", "");
    int kills = Integer.getInteger("roller.kills", 10);
    long seed = Long.getLong("roller.kills.seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.println("random kills: " + kills + ", seed " + seed);

    // How long a whole roll takes here, JVM start included: the kills land anywhere in it.
    Services.hostclass(server, GOOD[0]);
    long started = System.nanoTime();
    RollProcess whole = roll();
    assertEquals(0, whole.waitFor(), "a roll left alone succeeds");
    long rollMillis = (System.nanoTime() - started) / 1_000_000;

    int midRoll = 0;
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      boolean failing = i % 5 == 4;
      String spec = failing ? FAILING : GOOD[i % GOOD.length];
      Services.hostclass(server, spec);
      RollProcess roll = roll();
      long delay = (long) (random.nextDouble() * rollMillis * (failing ? 1.5 : 1.0));
      boolean exited = roll.process.waitFor(delay, TimeUnit.MILLISECONDS);
      if (!exited) {
        roll.kill();
      }
      boolean journal = Files.exists(layout.journal());
      if (journal) {
        midRoll++;
      }
      String what = "kill " + (i + 1) + " (seed " + seed + ") after " + delay + " ms of a roll to " + spec.strip().replace('\n', ' ')
          + (exited ? ", which had already exited " + roll.process.exitValue() : "")
          + (journal ? ", with a journal (" + Journal.read(layout.journal()).phase() + ")" : "");
      kinds.add(what);
      assertOnACompleteGeneration(what);
      assertServicesRunFromGenerationsThatExist(what);

      // The next roll, to a spec that works: it finishes or undoes the killed one first.
      String good = failing ? GOOD[(i + 1) % GOOD.length] : spec;
      if (failing) {
        Services.hostclass(server, good);
      }
      Outcome next = applier.apply(HOST, false);
      assertEquals(0, next.exitCode(), what + ": the next roll: " + next.message());
      assertOnACompleteGeneration(what + ", after the next roll");
      assertFalse(Files.exists(layout.journal()), what + ": the journal is finished or undone");
      assertServicesRunFromGenerationsThatExist(what + ", after the next roll");
      String greeting = good.contains("bonjour") ? "bonjour" : "hello";
      assertEquals("greeting=" + greeting + "\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")), what);
      // alpha reloads on a change of params (its state file keeps the greeting it started with); beta restarts.
      assertTrue(Services.state(layout, "alpha").contains(" " + (good.contains("alpha: 1.1.0") ? "1.1.0" : "1.0.0") + " "),
          what + ": alpha runs " + Services.state(layout, "alpha"));
      assertTrue(Services.state(layout, "beta").contains(" " + (good.contains("beta: 1.1.0") ? "1.1.0" : "1.0.0") + " greeting="
          + greeting), what + ": beta runs " + Services.state(layout, "beta"));
      assertEquals(good.contains("gamma"), services.running("gamma"), what + ": gamma runs only where the spec has it");
    }
    String summary = kills + " kills (seed " + seed + "), " + midRoll + " with a roll's journal on disk (a whole roll "
        + rollMillis + " ms): " + kills + " hosts on a complete generation, " + kills + " next rolls succeeded";
    System.out.println("random kills: " + summary);
    String out = System.getProperty("roller.kills.out");
    if (out != null) {
      Files.writeString(Path.of(out), "kills=" + kills + "\nmid_roll=" + midRoll + "\nroll_ms=" + rollMillis + "\nseed=" + seed
          + "\nsummary=" + summary + "\n");
    }
    assertTrue(kills < 10 || midRoll > 0, "some kills land inside a roll's transition: " + kinds);
  }

  /** Every service with a pid file runs in a folder that still exists (not a removed generation). */
  private void assertServicesRunFromGenerationsThatExist(String what) throws Exception {
    if (!Files.isDirectory(layout.run())) {
      return;
    }
    try (Stream<Path> files = Files.list(layout.run())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        long pid = Long.parseLong(Files.readString(file).strip().split(" ")[0]);
        String target;
        try {
          target = Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).toString();
        } catch (java.nio.file.NoSuchFileException e) {
          continue; // gone, or a zombie not yet reaped: nothing runs from a removed tree
        }
        assertFalse(target.endsWith(" (deleted)"), what + ": " + file.getFileName() + " runs in a removed tree: " + target);
        assertTrue(Files.isDirectory(Path.of(target)), what + ": " + file.getFileName() + " runs in " + target);
      }
    }
  }
}
