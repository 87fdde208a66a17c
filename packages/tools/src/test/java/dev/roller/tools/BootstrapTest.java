package dev.roller.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.repo.TestRepo;
import dev.roller.repo.model.PackageRef;
import dev.roller.server.ConfigServerApp;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roll package as a blank host meets it: the config server's /bootstrap script, run by sh,
 * downloads the package this build made, checks it, and runs roll on the package's own jlink
 * runtime; roll installs itself into /usr/local, runs from there, and upgrades itself when the
 * hostclass names a new version.
 */
class BootstrapTest {
  static final String HOST = "tool1.dc1.example.com";
  static final Path PACKAGES = Path.of("target/packages");

  @TempDir Path dir;
  TestRepo repo;
  FilesystemStore store;
  ConfigServerApp server;
  Path root;

  @BeforeEach
  void start() throws Exception {
    repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/tools.yml", "packages: {roll: 1.0.0, foreman: 1.0.0, motd: 1.0.0}\nparams: {greeting: hi}\n");
    repo.write("hosts/" + HOST + ".yml", "hostclass: tools\ndatacenter: dc1\n");
    repo.commit("a host with roll and foreman");
    store = new FilesystemStore(dir.resolve("store"));
    publish(PACKAGES.resolve("roll-1.0.0.tar.gz"), "roll", "1.0.0");
    publish(PACKAGES.resolve("foreman-1.0.0.tar.gz"), "foreman", "1.0.0");
    Path motd = dir.resolve("motd");
    Files.createDirectories(motd.resolve(".roller"));
    Files.createDirectories(motd.resolve("etc"));
    Files.writeString(motd.resolve(".roller/package.yml"), "name: motd\nversion: 1.0.0\n");
    Files.writeString(motd.resolve("etc/motd.tmpl"), "{{ params.greeting }} from {{ host.name }}\n");
    publish(PackageBuilder.build(motd, dir.resolve("built")).file(), "motd", "1.0.0");
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    server = ConfigServerApp.start(snapshots, store, null, dir.resolve("uploads"), "127.0.0.1", 0, Duration.ofHours(1));
    snapshots.refresh();
    root = dir.resolve("host");
  }

  @AfterEach
  void stop() {
    server.close();
    repo.close();
  }

  private void publish(Path tarball, String name, String version) throws Exception {
    store.put(new PackageRef(name, version), tarball, dev.roller.repo.model.Sha256.of(Files.readAllBytes(tarball)));
  }

  private String url() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  /** Runs {@code script} with sh; returns its exit code, its output in {@code output}. */
  private int sh(String script, StringBuilder output) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the script finished");
    output.append(new String(bytes, StandardCharsets.UTF_8));
    return p.exitValue();
  }

  @Test
  void aBlankHostIsBootstrappedAndRollThenUpgradesItself() throws Exception {
    StringBuilder out = new StringBuilder();
    int code = sh("curl -fsS '" + url() + "bootstrap?host=" + HOST + "' | sh -s -- --host " + HOST + " --root " + root, out);

    assertEquals(0, code, out.toString());
    assertTrue(out.toString().contains("bootstrap: fetching roll 1.0.0"), out.toString());
    Path installed = root.resolve("usr/local/bin/roll");
    assertTrue(Files.isExecutable(installed), "roll installed itself into /usr/local");
    assertTrue(Files.isExecutable(root.resolve("usr/local/lib/roll/runtime/bin/java")), "with its own runtime");
    assertTrue(Files.readString(root.resolve("etc/cron.d/roller-foreman")).contains(" root /usr/local/bin/foreman sync"),
        "foreman's activate hook, on roll's runtime, installed its cron entry");

    out.setLength(0);
    assertEquals(0, sh(installed + " status --root " + root + " --host " + HOST, out), out.toString());
    assertTrue(out.toString().contains("roll: 1.0.0"), out.toString());
    Path cds = root.resolve("var/cache/roller/cds");
    Path jar = root.resolve("usr/local/lib/roll/roll.jar");
    assertTrue(Files.size(cds.resolve("roll.jsa")) > 0, "the first run of the installed roll made its class-data archive");
    assertTrue(Files.size(cds.resolve("base.jsa")) > 0, "and the runtime's, which the package does not carry");
    assertTrue(Files.isSameFile(jar, cds.resolve("roll.jar")), "kept beside the very jar it was made for");

    out.setLength(0);
    assertEquals(0, sh(installed + " --root " + root + " --host " + HOST + " --config-server " + url(), out), out.toString());
    assertTrue(out.toString().contains("nothing to do"), "the same spec again is a no-op: " + out);

    Path newer = rebuilt("roll", "1.0.0", "1.0.1");
    publish(newer, "roll", "1.0.1");
    repo.write("hostclasses/tools.yml", "packages: {roll: 1.0.1, foreman: 1.0.0, motd: 1.0.0}\nparams: {greeting: hello}\n");
    repo.commit("roll 1.0.1");
    server.snapshots().refresh();

    out.setLength(0);
    assertEquals(0, sh(installed + " plan --root " + root + " --host " + HOST + " --config-server " + url(), out), out.toString());
    assertTrue(out.toString().contains("roll 1.0.0 -> 1.0.1"), "the installed roll plans the upgrade: " + out);
    assertTrue(out.toString().contains("-hi from " + HOST) && out.toString().contains("+hello from " + HOST),
        "with the rendered file's diff: " + out);
    out.setLength(0);
    assertEquals(0, sh(installed + " --root " + root + " --host " + HOST + " --config-server " + url(), out), out.toString());
    out.setLength(0);
    assertEquals(0, sh(installed + " status --root " + root + " --host " + HOST, out), out.toString());
    assertTrue(out.toString().contains("roll: 1.0.1"), "roll upgraded itself: " + out);
    assertTrue(Files.isSameFile(jar, cds.resolve("roll.jar")), "the new roll made an archive of its own");
    try (var files = Files.list(cds)) {
      assertEquals(java.util.List.of("base.jsa", "roll.jar", "roll.jsa"), files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void withTrustTheScriptWritesRollYmlAndRunsOnlyWhatASignedSpecNames() throws Exception {
    java.security.KeyPair key = dev.roller.repo.trust.Keys.generate();
    String pub = dev.roller.repo.trust.Keys.format(key.getPublic());
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache-signed")), "main");
    try (ConfigServerApp signed = ConfigServerApp.start(snapshots, store, null, dir.resolve("uploads-signed"), "127.0.0.1", 0,
        Duration.ofHours(1), dev.roller.server.ServerLimits.defaults(), new dev.roller.repo.trust.Signatures.Signer(key.getPrivate()))) {
      snapshots.refresh();
      String base = "http://127.0.0.1:" + signed.port() + "/";
      String other = java.net.URLEncoder.encode(dev.roller.repo.trust.Keys.format(dev.roller.repo.trust.Keys.generate().getPublic()),
          StandardCharsets.UTF_8);
      StringBuilder out = new StringBuilder();
      assertEquals(1, sh("curl -fsS '" + base + "bootstrap?host=" + HOST + "&trust=" + other + "' | sh -s -- --root " + root
          + " --host " + HOST, out), out.toString());
      assertTrue(out.toString().contains("not signed by a trusted key; not running roll"), out.toString());
      assertTrue(!Files.exists(root.resolve("usr/local")) && !Files.exists(root.resolve("etc/roller/roll.yml")), "nothing done");

      out.setLength(0);
      int code = sh("curl -fsS '" + base + "bootstrap?host=" + HOST + "&trust=" + java.net.URLEncoder.encode(pub,
          StandardCharsets.UTF_8) + "' | sh -s -- --root " + root, out);
      assertEquals(0, code, out.toString());
      assertTrue(out.toString().contains("signed by a trusted key and names roll 1.0.0"), out.toString());
      assertEquals("config_servers: [" + base + "]\nhost: " + HOST + "\ntrust: [" + pub + "]\n",
          Files.readString(root.resolve("etc/roller/roll.yml")), "the first cron roll needs no options");
      assertTrue(Files.isExecutable(root.resolve("usr/local/bin/roll")));
      out.setLength(0);
      assertEquals(0, sh(root.resolve("usr/local/bin/roll") + " --root " + root, out), out.toString());
      assertTrue(out.toString().contains("nothing to do") && !out.toString().contains("not verified"),
          "the installed roll reads roll.yml and verifies: " + out);
    }
  }

  @Test
  void theScriptRefusesATarballThatIsNotTheOneItNames() throws Exception {
    StringBuilder script = new StringBuilder();
    assertEquals(0, sh("curl -fsS '" + url() + "bootstrap'", script));
    String tampered = script.toString().replaceFirst("sha256='[0-9a-f]{64}'", "sha256='" + "0".repeat(64) + "'");
    Path file = dir.resolve("bootstrap.sh");
    Files.writeString(file, tampered);

    StringBuilder out = new StringBuilder();
    assertEquals(1, sh("sh " + file + " --host " + HOST + " --root " + root, out));
    assertTrue(out.toString().contains("does not have the sha256 this script names"), out.toString());
    assertTrue(!Files.exists(root.resolve("usr/local")), "nothing was installed");
  }

  @Test
  void aHostWhoseSpecLacksRollGetsAClearError() throws Exception {
    StringBuilder out = new StringBuilder();
    assertEquals(22, sh("curl -fsS '" + url() + "bootstrap?host=web1.dc1.example.com'", out));
    out.setLength(0);
    sh("curl -sS '" + url() + "bootstrap?host=web1.dc1.example.com'", out);
    assertTrue(out.toString().contains("does not list the roll package"), out.toString());
  }

  /** The package {@code name-from} rebuilt as version {@code to}: same tree, new manifest version. */
  private Path rebuilt(String name, String from, String to) throws Exception {
    Path staged = Path.of("target/package-staging/" + name + "-" + from);
    Path copy = dir.resolve("rebuild/" + name + "-" + to);
    dev.roller.pkg.tar.Staging.copyTree(staged, copy);
    Path manifest = copy.resolve(".roller/package.yml");
    Files.writeString(manifest, Files.readString(manifest).replace("version: " + from, "version: " + to));
    BuiltPackage built = PackageBuilder.build(copy, dir.resolve("rebuilt"));
    return built.file();
  }

}
