package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.roll.apply.Outcome;
import dev.roller.roll.generation.Generations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * roll apply end to end: a real config server on 127.0.0.1, real packages, real service processes
 * started, health-checked, restarted, reloaded and stopped in a scratch root.
 */
class ApplyTest extends ApplyFixture {
  @Test
  void aFirstRollAsksBeforeItMovesTheHostsOwnTreeAndADeclineLeavesItInPlace() throws Exception {
    Files.createDirectories(layout.usrLocal().resolve("bin"));
    Files.writeString(layout.usrLocal().resolve("bin/legacy"), "old\n");
    List<dev.roller.roll.apply.Preview> asked = new ArrayList<>();
    applier.confirm(preview -> {
      // Asked while the host's /usr/local is still its own folder, in place.
      assertFalse(Files.isSymbolicLink(layout.usrLocal()), "/usr/local moved before the answer");
      assertEquals("old\n", Files.readString(layout.usrLocal().resolve("bin/legacy")));
      asked.add(preview);
      return false;
    });

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(1, asked.size());
    String notes = String.join("\n", asked.get(0).notes());
    assertTrue(notes.contains("first roll on this host: its own " + layout.usrLocal() + " is kept, as it is, as generation 0"), notes);
    assertTrue(notes.contains("warning: generation 1 has no bin/roll"), notes);
    assertEquals(Outcome.FAILED_UNTOUCHED, outcome.exitCode(), outcome.message());
    assertTrue(outcome.message().contains("declined (host untouched)"), outcome.message());
    assertFalse(Files.isSymbolicLink(layout.usrLocal()));
    assertEquals("old\n", Files.readString(layout.usrLocal().resolve("bin/legacy")));
    assertEquals(List.of(), new Generations(layout).list(), "no generation kept, not even 0");

    applier.confirm(preview -> true);
    assertEquals(0, applier.apply(HOST, false).exitCode());
    assertEquals("old\n", Files.readString(layout.generation(0).resolve("bin/legacy")), "kept as generation 0 once accepted");
  }

  @Test
  void aBlankHostGetsItsServicesAndKeepsItsOwnTreeAsGenerationZero() throws Exception {
    Files.createDirectories(layout.usrLocal().resolve("bin"));
    Files.writeString(layout.usrLocal().resolve("bin/legacy"), "old\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertEquals("applied", outcome.result());
    Generations generations = new Generations(layout);
    assertEquals(List.of(0, 1), generations.list());
    assertEquals(1, generations.current().getAsInt());
    assertEquals("old\n", Files.readString(layout.generation(0).resolve("bin/legacy")));
    assertEquals("greeting=hello\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")));
    assertTrue(Services.state(layout, "alpha").startsWith(Services.pid(layout, "alpha") + " 1.0.0 greeting=hello"));
    assertTrue(services.running("beta"));
    assertFalse(Files.exists(layout.journal()), "the journal goes when the roll is over");
    assertEquals("in sync", status());
  }

  @Test
  void theSameSpecAgainChangesNothing() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");

    Outcome again = applier.apply(HOST, false);

    assertEquals(0, again.exitCode());
    assertEquals("unchanged", again.result());
    assertEquals(List.of(0, 1), new Generations(layout).list());
    assertEquals(alpha, Services.pid(layout, "alpha"));

    // A commit that leaves this host's spec alone: the server answers 304, the host reports the new commit.
    server.repo.write("hosts/other1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    String commit = server.repo.commit("another host");
    server.refresh();
    assertEquals("unchanged", applier.apply(HOST, false).result());
    String reported = statusBody().substring(statusBody().indexOf("\"reported\""));
    assertTrue(reported.contains("\"commit\":\"" + commit + "\""), reported);
    assertEquals("in sync", status());
  }

  @Test
  void aGenerationWhoseDigestFileIsOlderThanTheDigestIsStillTheSameSpec() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    // As a roll before the digest was the repo's alone left it: a digest the server never gives now.
    Path digest = layout.generation(1).resolve(".roller/spec.digest");
    List<String> lines = new ArrayList<>(Files.readAllLines(digest));
    lines.set(0, "0".repeat(64));
    Files.write(digest, lines);

    Outcome again = applier.apply(HOST, false);

    assertEquals("unchanged", again.result(), again.message());
    assertEquals(List.of(0, 1), new Generations(layout).list(), "no generation built for the same spec");
    assertEquals(alpha, Services.pid(layout, "alpha"));
  }

  @Test
  void aNewVersionRestartsOnlyItsOwnService() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    long beta = Services.pid(layout, "beta");
    Services.publish(server, "beta", "1.1.0", "");
    hostclass("packages: {alpha: 1.0.0, beta: 1.1.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertEquals(2, new Generations(layout).current().getAsInt());
    assertEquals(alpha, Services.pid(layout, "alpha"), "alpha did not change: not restarted");
    assertNotEquals(beta, Services.pid(layout, "beta"));
    assertTrue(Services.state(layout, "beta").contains(" 1.1.0 "));
  }

  @Test
  void changedConfigIsReloadedWhereTheServiceCanElseItRestarts() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    long beta = Services.pid(layout, "beta");
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: bonjour}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertEquals("greeting=bonjour\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")));
    assertEquals(alpha, Services.pid(layout, "alpha"), "alpha has a reload command");
    assertEquals("reloaded\n", Files.readString(layout.root().resolve("state/alpha.reloads")));
    assertNotEquals(beta, Services.pid(layout, "beta"), "beta has none: restarted");
    assertTrue(Services.state(layout, "beta").contains("greeting=bonjour"));
  }

  @Test
  void restartAllRestartsEveryService() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    long beta = Services.pid(layout, "beta");

    assertEquals(0, applier.apply(HOST, true).exitCode());

    assertNotEquals(alpha, Services.pid(layout, "alpha"));
    assertNotEquals(beta, Services.pid(layout, "beta"));
  }

  @Test
  void aFailedHealthCheckSwitchesBackAndRestartsThePreviousGeneration() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Services.publish(server, "alpha", "2.0.0", "false");
    hostclass("packages: {alpha: 2.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(3, outcome.exitCode(), outcome.message());
    assertEquals("rolled-back", outcome.result());
    assertTrue(outcome.message().contains("health check of alpha failed"), outcome.message());
    assertEquals(1, new Generations(layout).current().getAsInt());
    assertTrue(Services.state(layout, "alpha").contains(" 1.0.0 "), "the previous alpha runs again");
    assertTrue(services.running("beta"));
    assertFalse(Files.exists(layout.journal()));
    assertEquals("failing", status());
  }

  @Test
  void aSpecThatFailedIsNotTriedAgainUntilItChangesOrRetry() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Services.publish(server, "alpha", "2.0.0", "false");
    hostclass("packages: {alpha: 2.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    assertEquals(3, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    long beta = Services.pid(layout, "beta");

    // The server holds the host on the spec it went back to (its report says the target failed).
    Outcome again = applier.apply(HOST, false);

    assertEquals(0, again.exitCode(), again.message());
    assertTrue(again.message().contains("nothing to do") && again.message().contains("held (this spec rolled-back here"),
        again.message());
    assertEquals(alpha, Services.pid(layout, "alpha"), "nothing restarted");
    assertEquals(beta, Services.pid(layout, "beta"));
    assertEquals(List.of(0, 1, 2), new Generations(layout).list(), "no new generation built");
    assertTrue(dev.roller.roll.apply.FailedSpec.rolledBack(layout.generation(2)).contains("health check of alpha failed"));

    // A server that does not hold it (its reports lost here): the host's own memory refuses the spec.
    Files.delete(server.dir.resolve("store").resolve(dev.roller.pkg.store.StoreKeys.report(HOST)));
    server.refreshReports();
    Outcome own = applier.apply(HOST, false);
    assertEquals(1, own.exitCode(), own.message());
    assertTrue(own.message().contains("failed here") && own.message().contains("--retry"), own.message());
    assertEquals(alpha, Services.pid(layout, "alpha"), "nothing restarted");

    Outcome retried = applier.retry(true).apply(HOST, false);
    assertEquals(3, retried.exitCode(), "--retry tries it: " + retried.message());
    applier.retry(false);

    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: fixed}\n");
    Outcome fixed = applier.apply(HOST, false);
    assertEquals(0, fixed.exitCode(), "a changed spec is applied: " + fixed.message());
    assertFalse(Files.exists(layout.failedSpec()), "and the failure is forgotten");
  }

  @Test
  void aTemplateErrorStopsTheRollBeforeAnythingIsStopped() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    server.publishWithManifest("broken", "1.0.0", "", "etc/broken.conf.tmpl", "a={{ params.greeting }}\nb={{ params.nope }}\n");
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0, broken: 1.0.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(1, outcome.exitCode());
    assertTrue(outcome.message().contains("broken-1.0.0:etc/broken.conf.tmpl:2"), outcome.message());
    assertTrue(outcome.message().contains("nope"), outcome.message());
    assertEquals(List.of(0, 1), new Generations(layout).list());
    assertEquals(alpha, Services.pid(layout, "alpha"));
  }

  @Test
  void aTemplateThatNeverEndsIsRefusedAndLeavesNoJournal() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    server.publishWithManifest("deep", "1.0.0", "", "etc/deep.conf.tmpl",
        "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(1) }}");
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0, deep: 1.0.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(1, outcome.exitCode(), outcome.message());
    assertTrue(outcome.message().contains("template deep-1.0.0:etc/deep.conf.tmpl: recursion too deep"), outcome.message());
    assertFalse(Files.exists(layout.journal()), "a refused build leaves no journal");
    assertEquals(List.of(0, 1), new Generations(layout).list());
  }

  @Test
  void twoPackagesShippingOnePathStopTheRoll() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    server.publishWithManifest("clash", "1.0.0", "", "bin/alpha", "#!/bin/sh\n");
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0, clash: 1.0.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(1, outcome.exitCode());
    assertTrue(outcome.message().contains("bin/alpha is shipped by both alpha-1.0.0 and clash-1.0.0"), outcome.message());
    assertEquals(1, new Generations(layout).current().getAsInt());
  }
}
