package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.Generations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** roll end to end when things go wrong: hand edits repaired, rollbacks, gc, hooks, hostile tarballs, a server that cannot take the report. */
class RepairRollbackGcTest extends ApplyFixture {
  @Test
  void aHandEditIsReportedByPathAndTheNextRollRepairsIt() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Files.writeString(layout.usrLocal().resolve("etc/alpha.conf"), "greeting=hacked\n");
    Files.writeString(layout.usrLocal().resolve("etc/extra"), "x\n");

    assertEquals(List.of("modified: etc/alpha.conf", "added: etc/extra"), applier.verify(1, true));

    Outcome outcome = applier.apply(HOST, false);
    assertEquals("applied", outcome.result(), outcome.message());
    assertEquals(2, outcome.generation());
    assertEquals("greeting=hello\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")));
    assertEquals(List.of(), applier.verify(2, true));
  }

  @Test
  void storeEntriesAreReadOnly() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Path script = layout.usrLocal().resolve("bin/alpha").toRealPath();
    assertEquals("r-xr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
    Path store = layout.store();
    try (var entries = Files.list(store)) {
      for (Path entry : entries.filter(Files::isDirectory).toList()) {
        assertEquals("r-xr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
        assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(entry.resolve(".roller/package.yml"))));
      }
    }
  }

  @Test
  void aHandEditThroughAHardLinkIntoTheStoreIsRepairedFromTheTarball() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Path script = layout.usrLocal().resolve("bin/beta");
    String original = Files.readString(script);
    // Root can write a read-only file: this changes the store entry every generation links to.
    Files.writeString(script, "echo tampered\n", java.nio.file.StandardOpenOption.APPEND);
    try (var cached = Files.list(layout.cache())) {
      for (Path tarball : cached.toList()) {
        Files.delete(tarball); // and the cache lost its tarballs: they are downloaded again
      }
    }

    Outcome outcome = applier.apply(HOST, false);

    assertEquals("applied", outcome.result(), outcome.message());
    assertEquals(2, outcome.generation());
    assertEquals(List.of(), applier.verify(2, true), "the new generation verifies");
    assertEquals(original, Files.readString(layout.usrLocal().resolve("bin/beta")));
    assertEquals("unchanged", applier.apply(HOST, false).result(), "and the next roll has nothing to do");
    assertEquals(List.of(0, 1, 2), new Generations(layout).list());
  }

  @Test
  void rollbackGoesToThePreviousGenerationAndRestartsItsServices() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Services.publish(server, "beta", "1.1.0", "");
    hostclass("packages: {alpha: 1.0.0, beta: 1.1.0}\nparams: {greeting: hello}\n");
    assertEquals(0, applier.apply(HOST, false).exitCode());

    Outcome outcome = applier.rollback();

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertEquals(1, new Generations(layout).current().getAsInt());
    assertTrue(Services.state(layout, "beta").contains(" 1.0.0 "));
  }

  @Test
  void aRollbackToGenerationZeroNeedsYes() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());

    Outcome refused = applier.rollback();

    assertEquals(2, refused.exitCode(), refused.message());
    assertTrue(refused.message().contains("generation 0") && refused.message().contains("--yes"), refused.message());
    assertEquals(1, new Generations(layout).current().getAsInt());
    assertTrue(services.running("alpha"), "nothing was stopped");

    Outcome done = applier.rollback(true);
    assertEquals(0, done.exitCode(), done.message());
    assertEquals(0, new Generations(layout).current().getAsInt());
  }

  @Test
  void gcKeepsTheNewestGenerationsGenerationZeroAndWhatRunningServicesUse() throws Exception {
    for (int i = 0; i < 7; i++) {
      hostclass("packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hello" + i + "}\n");
      assertEquals(0, applier.apply(HOST, false).exitCode());
    }
    // alpha reloads, it was never restarted: it still works in generation 1.
    assertEquals(List.of(0, 1, 3, 4, 5, 6, 7), new Generations(layout).list());
  }

  @Test
  void activateHooksRunAfterTheSwitchAndAFailingOneRollsBack() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Path marker = layout.root().resolve("state/hook");
    server.publishWithManifest("hooked", "1.0.0", "hooks:\n  activate: bin/hook {{ paths.root }}/state/hook\n",
        "bin/hook", "#!/bin/sh\nreadlink \"$ROLLER_ROOT/usr/local\" > \"$1\"\n");
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0, hooked: 1.0.0}\nparams: {greeting: hello}\n");

    assertEquals(0, applier.apply(HOST, false).exitCode());
    assertEquals("../var/lib/roller/generations/2\n", Files.readString(marker), "the hook saw the new generation");

    server.publishWithManifest("hooked", "2.0.0", "hooks:\n  activate: bin/hook\n", "bin/hook", "#!/bin/sh\nexit 7\n");
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0, hooked: 2.0.0}\nparams: {greeting: hello}\n");
    Outcome failed = applier.apply(HOST, false);

    assertEquals(3, failed.exitCode(), failed.message());
    assertTrue(failed.message().contains("activate hook of hooked-2.0.0 (bin/hook) exited 7"), failed.message());
    assertEquals(2, new Generations(layout).current().getAsInt());
    assertTrue(services.running("alpha") && services.running("beta"));
  }

  @Test
  void aHostileTarballIsRefusedBeforeAnythingIsTouched() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    long alpha = Services.pid(layout, "alpha");
    Path hostile = dir.resolve("hostile-1.0.0.tar.gz");
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(hostile)))) {
      for (String[] entry : new String[][] {{".roller/package.yml", "name: hostile\nversion: 1.0.0\n"},
          {"../../escaped", "gotcha\n"}}) {
        byte[] data = entry[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(entry[0], true);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    }
    server.store.put(new dev.roller.repo.model.PackageRef("hostile", "1.0.0"), hostile,
        dev.roller.repo.model.Sha256.of(Files.readAllBytes(hostile)));
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0, hostile: 1.0.0}\nparams: {greeting: hello}\n");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(1, outcome.exitCode());
    assertTrue(outcome.message().contains("hostile-1.0.0 refused") && outcome.message().contains(".."), outcome.message());
    assertFalse(Files.exists(layout.root().resolve("var/lib/escaped")));
    assertFalse(Files.exists(layout.root().resolve("var/escaped")));
    assertEquals(List.of(0, 1), new Generations(layout).list());
    assertEquals(alpha, Services.pid(layout, "alpha"));
  }

  @Test
  void gcAlsoRemovesPackagesNoKeptGenerationUses() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    Services.publish(server, "beta", "1.1.0", "");
    hostclass("packages: {alpha: 1.0.0, beta: 1.1.0}\nparams: {greeting: hello}\n");
    assertEquals(0, applier.apply(HOST, false).exitCode());
    dev.roller.repo.model.Sha256 beta11 = dev.roller.repo.model.Sha256.of(
        Files.readAllBytes(server.dir.resolve("tarballs/beta-1.1.0.tar.gz")));
    assertTrue(Files.isDirectory(layout.storeEntry(beta11)));
    for (int i = 0; i < 6; i++) {
      hostclass("packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hi" + i + "}\n");
      assertEquals(0, applier.apply(HOST, false).exitCode());
    }

    assertFalse(new Generations(layout).list().contains(2), "generation 2 (beta 1.1.0) went");
    assertFalse(Files.exists(layout.storeEntry(beta11)), "and beta 1.1.0 with it");
    assertFalse(Files.exists(layout.storeIndex(beta11)));
    assertFalse(Files.exists(layout.cachedTarball(beta11)));
  }

  @Test
  void aServerThatCannotTakeTheReportDoesNotFailARollThatWorked() throws Exception {
    List<String> warnings = new java.util.ArrayList<>();
    Applier quiet = new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2),
        Duration.ofSeconds(20)), services, new dev.roller.roll.apply.Log() {
          @Override
          public void info(String line) {}

          @Override
          public void warn(String line) {
            warnings.add(line);
          }
        }).pause(point -> {
          if (point.equals("checking")) {
            server.app.close(); // the server goes away mid-roll: the report cannot be sent
          }
        });

    Outcome outcome = quiet.apply(HOST, false);

    assertEquals(0, outcome.exitCode(), outcome.message());
    assertEquals(1, new Generations(layout).current().getAsInt());
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("could not report to the config server")), warnings.toString());
  }
}
