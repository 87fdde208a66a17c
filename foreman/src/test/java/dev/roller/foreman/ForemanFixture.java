package dev.roller.foreman;


import dev.roller.repo.Needs;
import dev.roller.foreman.cli.Foreman;
import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import dev.roller.server.ConfigServerApp;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real config server on 127.0.0.1 over a repo with users alice (sudo, a dotfile, group
 * rollerdev) and bob, and a scratch root whose account files are copied from this machine, for
 * foreman to sync. Needs root (the account tools and file ownership do), which CI is.
 */
abstract class ForemanFixture {
  static final String HOST = "web1.dc1.example.com";
  static final String ALICE_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxzl5+CMvPkhiW/T1sjPQczvd3mCiI1MU+dTBpxMJfd alice@example.com";
  static final String BOB_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII73/qTKcwwxtikXb/+K1tdtXyQwG6jkXG4vp1RS9o8P bob@example.com";

  @TempDir Path dir;
  TestRepo repo;
  ConfigServerApp server;
  /** The server signs its answers with this key (a host trusts it with trust: in roll.yml). */
  final java.security.KeyPair serverKey = dev.roller.repo.trust.Keys.generate();
  Path root;
  String out;
  String err;

  @BeforeEach
  void start() throws Exception {
    Needs.require("root".equals(System.getProperty("user.name")), "foreman's tests run the account tools as root");
    repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("users/alice.yml", """
        uid: 52001
        comment: Alice Example
        shell: /bin/bash
        groups: [rollerdev]
        ssh_keys: ["%s"]
        hostclasses: [web]
        sudo: [web]
        files:
          .profile: |
            export EDITOR=vi
        """.formatted(ALICE_KEY));
    repo.write("users/bob.yml", """
        uid: 52002
        comment: Bob Ops
        shell: /bin/sh
        ssh_keys: ["%s"]
        hostclasses: ["*"]
        """.formatted(BOB_KEY));
    repo.commit("users");
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    server = ConfigServerApp.start(snapshots, new FilesystemStore(dir.resolve("store")), null, dir.resolve("uploads"),
        "127.0.0.1", 0, Duration.ofHours(1), dev.roller.server.ServerLimits.defaults(),
        new dev.roller.repo.trust.Signatures.Signer(serverKey.getPrivate()));
    snapshots.refresh();
    root = dir.resolve("host");
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("home"));
    Files.createDirectories(root.resolve("bin"));
    for (String f : List.of("passwd", "group", "shadow", "gshadow", "login.defs")) {
      Files.copy(Path.of("/etc", f), root.resolve("etc/" + f));
    }
    for (String shell : List.of("bash", "sh")) {
      Files.copy(Path.of("/bin", shell), root.resolve("bin/" + shell));
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
      repo.close();
    }
  }

  int foreman(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("sync", "--root", root.toString(), "--host", HOST,
        "--config-server", "http://127.0.0.1:" + server.port() + "/"));
    args.addAll(List.of(extra));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Foreman.run(new PrintWriter(o, true), new PrintWriter(e, true), Map.of(), args.toArray(String[]::new));
    out = o.toString();
    err = e.toString();
    return code;
  }

  String line(String file, String login) throws Exception {
    return Files.readAllLines(root.resolve("etc/" + file)).stream().filter(l -> l.startsWith(login + ":")).findFirst().orElse(null);
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  static int owner(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  void commit(String path, String text) throws Exception {
    if (text == null) {
      repo.delete(path);
    } else {
      repo.write(path, text);
    }
    repo.commit("change " + path);
    server.snapshots().refresh();
  }

}
