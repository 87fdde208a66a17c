package dev.roller.foreman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.foreman.cli.Foreman;
import dev.roller.repo.FaultProxy;
import dev.roller.repo.FaultProxy.Fault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * foreman through every kind of network fault between it and a real config server (a {@link
 * FaultProxy}, issue 17), after a commit that changes a key and a dotfile, adds a user and drops
 * another: each sync either makes the host exactly what a clean sync makes it, or fails and leaves
 * every account file, key, dotfile and sudoers file byte for byte as it was. Never half of it, and
 * never an account locked because a cut-off answer looked like a shorter list.
 */
class ForemanThroughFaultsTest extends ForemanFixture {
  static final String CAROL_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxzl5+CMvPkhiW/T1sjPQczvd3mCiI1MU+dTBpxMJfe carol@example.com";

  @Test
  void everyFaultEitherSyncsWhollyOrChangesNothing() throws Exception {
    assertEquals(0, foreman(), out + err);
    // The change each faulty sync tries: alice's key and dotfile change, carol arrives, bob leaves.
    commit("users/alice.yml", """
        uid: 52001
        comment: Alice Example
        shell: /bin/bash
        groups: [rollerdev]
        ssh_keys: ["%s"]
        hostclasses: [web]
        sudo: [web]
        files:
          .profile: |
            export EDITOR=emacs
        """.formatted(BOB_KEY));
    commit("users/carol.yml", """
        uid: 52003
        comment: Carol
        shell: /bin/sh
        ssh_keys: ["%s"]
        hostclasses: [web]
        sudo: [web]
        """.formatted(CAROL_KEY));
    commit("users/bob.yml", null);

    Path before = dir.resolve("before");
    copy(root, before);
    Map<String, String> untouched = state(before);
    // What a clean sync makes of it, on a copy.
    Path clean = dir.resolve("clean");
    copy(before, clean);
    assertEquals(0, sync(clean, "http://127.0.0.1:" + server.port() + "/"), err);
    Map<String, String> synced = state(clean);
    assertNotEquals(untouched, synced, "the commit changes the host");

    List<String> seen = new ArrayList<>();
    try (FaultProxy proxy = FaultProxy.to(server.port())) {
      List<Fault> faults = new ArrayList<>(FaultProxy.every(Duration.ofMillis(300)));
      for (int at : new int[] {450, 600, 800}) {
        faults.add(Fault.of(FaultProxy.Kind.FLIP, at, Duration.ZERO)); // through the body, not only its headers
      }
      int n = 0;
      for (Fault fault : faults) {
        Path host = dir.resolve("host-" + n++);
        copy(before, host);
        proxy.set(fault.when("/users"));
        int injected = proxy.injected();
        int code = sync(host, proxy.uri().toString());
        String what = fault.when("/users") + ": exit " + code + " " + err.strip().replace('\n', ' ');
        seen.add(what);
        assertTrue(proxy.injected() > injected, "the fault was injected: " + what);
        Map<String, String> after = state(host);
        if (code == 0) {
          assertEquals(synced, after, "synced wholly: " + what);
        } else {
          assertEquals(untouched, after, "nothing changed: " + what);
          assertTrue(err.contains("127.0.0.1:" + proxy.port()), "the failure names the server: " + what);
        }
        // And the next sync without the fault makes it what a clean sync makes.
        proxy.set(Fault.none());
        assertEquals(0, sync(host, proxy.uri().toString()), what + " then " + err);
        assertEquals(synced, state(host), what);
      }
    }
    System.out.println("foreman through faults:\n  " + String.join("\n  ", seen));
    assertTrue(seen.stream().anyMatch(s -> s.contains("exit 0")), "a delay is harmless: " + seen);
    assertTrue(seen.stream().anyMatch(s -> !s.contains("exit 0")), "a reset is not: " + seen);
  }

  private int sync(Path host, String serverUri) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Foreman.run(new PrintWriter(o, true), new PrintWriter(e, true), Map.of(), "sync", "--root", host.toString(),
        "--host", HOST, "--config-server", serverUri);
    out = o.toString();
    err = e.toString();
    return code;
  }

  /** A copy that keeps owners and modes ({@code cp -a}, as root). */
  private static void copy(Path from, Path to) throws Exception {
    Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "cp -a: " + output);
  }

  /** Every file, folder and link under {@code root}: its kind, mode, owner and content hash. */
  private static Map<String, String> state(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String name = root.relativize(p).toString();
        if (name.startsWith("var/log") || name.endsWith(".lock")) {
          continue; // foreman's own log and lock say a run happened; they are not the accounts
        }
        String owner = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
            + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS) + " " + mode(p);
        if (Files.isSymbolicLink(p)) {
          out.put(name, "link " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(name, "dir " + owner);
        } else {
          byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
          out.put(name, "file " + owner + " " + HexFormat.of().formatHex(sha));
        }
      }
    }
    assertNotNull(out.get("etc/passwd"));
    return out;
  }
}
