package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.host.ServerClient;
import dev.roller.repo.FaultProxy;
import dev.roller.repo.FaultProxy.Fault;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ExecServiceManager;
import java.net.URI;
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
 * roll through every kind of network fault (a {@link FaultProxy} between roll and a real config
 * server), at the spec request and during a tarball's download (issue 17): each roll either applies
 * the right generation or exits 1 with the host as it was (same generation, same service process,
 * no journal), nothing that does not verify lands in its package store, and the next roll without
 * the fault succeeds. Bounded: the client's deadlines here are a few seconds.
 */
class RollThroughFaultsTest {
  static final Duration SILENCE = Duration.ofSeconds(2);
  static final Duration SPEC_DEADLINE = Duration.ofSeconds(4);

  @TempDir Path dir;
  RollServer real;
  FaultProxy proxy;
  HostLayout layout;
  ExecServiceManager services;
  final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    real = Services.appServer(dir);
    proxy = FaultProxy.to(real.uri());
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
    assertEquals(0, applier(real.uri()).apply(Services.HOST, false).exitCode(), "the host's first roll, no faults");
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    proxy.close();
    real.close();
  }

  private Applier applier(URI server) {
    return new Applier(layout, new ConfigServerClient(List.of(server), Duration.ofSeconds(2), SILENCE, SPEC_DEADLINE,
        warnings::add), services, Services.quietLog());
  }



  /** roll's own timeouts (as {@code roll apply} sets them), trying {@code servers} in order. */
  private Applier applierAsShipped(URI... servers) {
    return new Applier(layout, new ConfigServerClient(List.of(servers), ServerClient.CONNECT, ServerClient.SILENCE,
        ConfigServerClient.SPEC_DEADLINE, warnings::add), services, Services.quietLog());
  }

  @Test
  void aServerThatAcceptsAndNeverAnswersIsGivenUpWithin30sThenTheNextServerIsTried() throws Exception {
    Services.publish(real, "alpha", "1.1.0", "");
    Services.hostclass(real, "packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    proxy.set(Fault.of(FaultProxy.Kind.STALL, 0, Duration.ZERO)); // accepts, reads the request, never answers

    long started = System.nanoTime();
    Outcome outcome = applierAsShipped(proxy.uri(), real.uri()).apply(Services.HOST, false);
    long took = System.nanoTime() - started;

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertTrue(Services.state(layout, "alpha").contains(" 1.1.0 "));
    assertTrue(took < Duration.ofSeconds(30).toNanos(), "given up within 30 s, took " + took / 1_000_000 + " ms");
    assertTrue(warnings.stream().anyMatch(w -> w.contains(proxy.uri().toString()) && w.contains("trying " + real.uri())),
        "and the failover is said: " + warnings);
  }

  @Test
  void aServerThatStopsSendingMidTarballIsGivenUpWithin30sThenTheNextServerIsTried() throws Exception {
    Services.publish(real, "alpha", "1.1.0", "");
    Services.hostclass(real, "packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    proxy.set(Fault.of(FaultProxy.Kind.STALL, 300, Duration.ZERO).when("/tarball")); // the head and a little of the body

    long started = System.nanoTime();
    Outcome outcome = applierAsShipped(proxy.uri(), real.uri()).apply(Services.HOST, false);
    long took = System.nanoTime() - started;

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertEquals(1, proxy.injected(), "the spec came through the proxy, the tarball stalled in it");
    assertTrue(Services.state(layout, "alpha").contains(" 1.1.0 "));
    assertTrue(took < Duration.ofSeconds(30).toNanos(), "given up within 30 s, took " + took / 1_000_000 + " ms");
    Services.assertStoreWhole(layout);
  }

  @Test
  void everyFaultAtTheSpecOrATarballEitherAppliesTheRightGenerationOrLeavesTheHostAsItWas() throws Exception {
    List<String> seen = new ArrayList<>();
    int version = 1;
    for (String step : List.of("/spec", "/tarball")) {
      // Every kind, and flips further on: through the spec's body (its commit, a sha256, a param).
      List<Fault> faults = new ArrayList<>(FaultProxy.every(Duration.ofMillis(300)));
      for (int at : new int[] {480, 620, 760}) {
        faults.add(Fault.of(FaultProxy.Kind.FLIP, at, Duration.ZERO));
      }
      for (Fault fault : faults) {
        // A new version of alpha to roll to: its tarball is not on the host yet.
        version++;
        String target = "1.0." + version;
        Services.publish(real, "alpha", target, "");
        Services.hostclass(real, "packages: {alpha: " + target + ", beta: 1.0.0}\nparams: {greeting: hello}\n");
        Generations generations = new Generations(layout);
        int before = generations.current().orElseThrow();
        String alphaBefore = Services.state(layout, "alpha");
        String usrLocalBefore = Files.readSymbolicLink(layout.usrLocal()).toString();

        proxy.set(fault.when(step));
        int injected = proxy.injected();
        long started = System.nanoTime();
        Outcome outcome = applier(proxy.uri()).apply(Services.HOST, false);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String what = fault.when(step) + ": exit " + outcome.exitCode() + " (" + outcome.message() + ")";
        seen.add(what);
        // At least once: a GET cut off before its answer may be retried by the client.
        assertTrue(proxy.injected() > injected, "the fault was injected: " + what);
        assertTrue(tookMillis < SPEC_DEADLINE.toMillis() + SILENCE.toMillis() + 10_000, "within its timeouts: " + what);

        if (outcome.exitCode() == 0) {
          assertTrue(Services.state(layout, "alpha").contains(" " + target + " "), "the right version runs: " + what);
          // Exactly the spec the server resolved, to the commit and each sha256: nothing changed on the way.
          assertEquals(SpecCodec.toMap(new ConfigServerClient(List.of(real.uri()), Duration.ofSeconds(2), SILENCE).spec(Services.HOST)),
              SpecCodec.toMap(GenerationRecord.read(layout.generation(generations.current().orElseThrow())).spec()), what);
          assertEquals(0, applier(real.uri()).verify(generations.current().orElseThrow(), true).size(), what);
        } else {
          assertEquals(1, outcome.exitCode(), what);
          assertEquals(before, generations.current().orElseThrow(), "the same generation: " + what);
          assertEquals(usrLocalBefore, Files.readSymbolicLink(layout.usrLocal()).toString(), what);
          assertEquals(alphaBefore, Services.state(layout, "alpha"), "the same process, not restarted: " + what);
          assertFalse(Files.exists(layout.journal()), "no roll left half done: " + what);
        }
        Services.assertStoreWhole(layout);

        proxy.set(Fault.none());
        Outcome next = applier(real.uri()).apply(Services.HOST, false);
        assertEquals(0, next.exitCode(), "the next roll, without faults: " + what + " then " + next.message());
        assertTrue(Services.state(layout, "alpha").contains(" " + target + " "),
            what + " then " + next.message() + ": alpha runs " + Services.state(layout, "alpha"));
        assertEquals(0, applier(real.uri()).verify(new Generations(layout).current().orElseThrow(), true).size(), what);
        Services.assertStoreWhole(layout);
      }
    }
    System.out.println("roll through faults:\n  " + String.join("\n  ", seen));
    assertTrue(seen.stream().anyMatch(s -> s.contains("exit 1")), "some faults fail the roll: " + seen);
    assertTrue(seen.stream().anyMatch(s -> s.contains("exit 0")), "and the harmless ones (a delay) do not: " + seen);
  }
}
