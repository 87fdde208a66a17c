package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.repo.Needs;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ExecServiceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host root on a 4 MiB tmpfs (a real small filesystem, mounted as root, which CI is) that fills
 * during a roll (issue 17): roll exits 1 with a message naming the full disk, the host is as it was
 * (same generation, same service processes, no journal), nothing partial is left in the package
 * store, the download cache or the generations, and once there is room the next roll succeeds.
 */
class DiskFullTest {
  static final String HOST = Services.HOST;

  @TempDir Path dir;
  Path mount;
  RollServer server;
  HostLayout layout;
  ExecServiceManager services;
  Applier applier;

  @BeforeEach
  void start() throws Exception {
    Needs.require("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root");
    mount = Files.createDirectories(dir.resolve("small"));
    // Not an install step CI could lack: a machine that does not let root mount (a container without
    // CAP_SYS_ADMIN) skips this test, and says so, rather than fail.
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) == 0;
    if (!mounted) {
      mount = null;
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "root may not mount a tmpfs here: no small filesystem to fill");
    server = Services.appServer(dir);
    layout = new HostLayout(mount.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
    applier = new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20)),
        services, Services.quietLog());
    assertEquals(0, applier.apply(HOST, false).exitCode(), "the first roll fits");
  }

  @AfterEach
  void stop() throws Exception {
    if (layout != null) {
      Services.stopAll(layout, services);
    }
    if (server != null) {
      server.close();
    }
    if (mount != null) {
      run("umount", mount.toString());
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  @Test
  void aPackageWhoseTreeFillsTheDiskFailsTheRollNamingItAndLeavesNothingPartial() throws Exception {
    // 3 MiB that does not compress much: the tarball (about 2.3 MiB) fits in the cache, its tree does not.
    fillsTheDisk(9 << 18);
  }

  @Test
  void aDownloadThatFillsTheDiskFailsTheRollNamingTheHostsDiskNotTheServer() throws Exception {
    // A tarball of about 6 MiB: it cannot even be downloaded. The disk is this host's fault, not the server's.
    fillsTheDisk(6 << 20);
  }

  private void fillsTheDisk(int noiseBytes) throws Exception {
    byte[] noise = new byte[noiseBytes];
    new Random(17).nextBytes(noise);
    Services.publish(server, "alpha", "1.1.0", "");
    server.publishWithManifest("blob", "1.0.0", "", "share/blob.txt", Base64.getEncoder().encodeToString(noise));
    Services.hostclass(server, "packages: {alpha: 1.1.0, beta: 1.0.0, blob: 1.0.0}\nparams: {greeting: hello}\n");
    int before = new Generations(layout).current().orElseThrow();
    String alpha = Services.state(layout, "alpha");

    Outcome outcome = applier.apply(HOST, false);

    assertEquals(1, outcome.exitCode(), outcome.message());
    // Packages are fetched in parallel: whichever hits the full disk first is named, always a path on it.
    assertTrue(outcome.message().contains(layout.root() + "/var/") && outcome.message().contains("No space left on device"),
        "the message names the full disk and where: " + outcome.message());
    assertFalse(outcome.message().contains("no config server answered"), "the servers are not blamed: " + outcome.message());
    assertEquals(before, new Generations(layout).current().orElseThrow(), "the same generation");
    assertEquals(alpha, Services.state(layout, "alpha"), "the same alpha process, not restarted");
    assertFalse(Files.exists(layout.journal()), "no roll left half done");
    Services.assertStoreWhole(layout);
    assertEquals(List.of(), list(layout.generations()).stream().filter(n -> !n.matches("[0-9]+")).toList(),
        "no half-built generation");
    assertEquals(List.of(), applier.verify(before, true), "the generation the host is on is whole");

    // Room again (a spec without the blob): the next roll succeeds.
    Services.hostclass(server, "packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    Outcome next = applier.apply(HOST, false);
    assertEquals(0, next.exitCode(), next.message());
    assertTrue(Services.state(layout, "alpha").contains(" 1.1.0 "), Services.state(layout, "alpha"));
  }

  private static List<String> list(Path folder) throws Exception {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(folder)) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
