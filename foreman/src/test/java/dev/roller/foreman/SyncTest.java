package dev.roller.foreman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.foreman.sync.Account;
import dev.roller.foreman.sync.Sync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * foreman sync for real: useradd, usermod, groupadd and visudo run against a scratch root whose
 * account files are copied from this machine, fed by a real config server on 127.0.0.1.
 */
class SyncTest extends ForemanFixture {
  @Test
  void aFirstSyncCreatesGroupsAccountsKeysDotfilesAndSudoThenASecondChangesNothing() throws Exception {
    assertEquals(0, foreman(), err);

    assertTrue(line("passwd", "alice").matches("alice:x:52001:\\d+:Alice Example:/home/alice:/bin/bash"), line("passwd", "alice"));
    assertTrue(line("passwd", "bob").matches("bob:x:52002:\\d+:Bob Ops:/home/bob:/bin/sh"));
    assertTrue(line("group", "rollerdev").endsWith(":alice"), line("group", "rollerdev"));
    Path keys = root.resolve("home/alice/.ssh/authorized_keys");
    assertEquals(ALICE_KEY + "\n", Files.readString(keys));
    assertEquals("rw-------", mode(keys));
    assertEquals(52001, owner(keys));
    assertEquals("rwx------", mode(keys.getParent()));
    assertEquals(52001, owner(root.resolve("home/alice")));
    assertEquals("export EDITOR=vi\n", Files.readString(root.resolve("home/alice/.profile")));
    String sudoers = Files.readString(root.resolve("etc/sudoers.d/roller-foreman"));
    assertTrue(sudoers.contains("\nalice ALL=(ALL:ALL) NOPASSWD: ALL\n") && !sudoers.contains("bob"), sudoers);
    assertEquals("r--r-----", mode(root.resolve("etc/sudoers.d/roller-foreman")));
    assertTrue(Files.readString(root.resolve("var/lib/roller/foreman.yml")).contains("- alice"));

    long keysModified = Files.getLastModifiedTime(keys).toMillis();
    assertEquals(0, foreman());
    assertEquals("in sync: 2 accounts for " + HOST + "\n", out);
    assertEquals(keysModified, Files.getLastModifiedTime(keys).toMillis());
  }

  @Test
  void aDryRunPrintsWhatItWouldDoAndChangesNothing() throws Exception {
    byte[] passwd = Files.readAllBytes(root.resolve("etc/passwd"));
    assertEquals(0, foreman("--dry-run"), err);
    assertTrue(out.contains("would: user alice: created (uid 52001)"), out);
    assertTrue(out.contains("would: group rollerdev: created"), out);
    assertTrue(out.contains("would: sudoers: etc/sudoers.d/roller-foreman written"), out);
    assertTrue(out.contains("+++ b/home/alice/.ssh/authorized_keys") && out.contains("+" + ALICE_KEY), "content shown: " + out);
    assertTrue(out.contains("+export EDITOR=vi"), out);
    assertEquals(new String(passwd), Files.readString(root.resolve("etc/passwd")));
    assertFalse(Files.exists(root.resolve("var/lib/roller/foreman.yml")));
  }

  @Test
  void aDryRunIsThePlanTheSyncThenCarriesOutLineForLine() throws Exception {
    assertPlanIsWhatHappens();
    commit("users/bob.yml", """
        uid: 52003
        comment: Bob Operations
        shell: /bin/bash
        groups: [rollerdev]
        ssh_keys: ["%s"]
        hostclasses: ["*"]
        sudo: ["*"]
        files:
          .vimrc: |
            set nocompatible
        """.formatted(ALICE_KEY));
    commit("users/alice.yml", null);
    assertPlanIsWhatHappens();
    assertTrue(out.contains("user bob: uid 52002 -> 52003") && out.contains("user bob: shell /bin/sh -> /bin/bash")
        && out.contains("user bob: home/bob/.vimrc written") && out.contains("user alice: locked (removed from the repo)"), out);
    assertEquals(0, foreman("--dry-run"), err);
    assertEquals("in sync: 1 account for " + HOST + "\n", out, "nothing left to plan");
  }

  /** A dry run's changes, then a sync's: the same lines, in the same order. */
  private void assertPlanIsWhatHappens() throws Exception {
    assertEquals(0, foreman("--dry-run"), err);
    List<String> planned = out.lines().filter(l -> l.startsWith("would: ")).map(l -> l.substring("would: ".length())).toList();
    assertFalse(planned.isEmpty(), out);
    assertEquals(0, foreman(), err);
    assertEquals(planned, out.lines().toList());
  }

  @Test
  void changesInTheRepoAreCarriedOverAndARemovedUserIsLockedThenDeletedWithRemove() throws Exception {
    assertEquals(0, foreman());
    commit("users/bob.yml", """
        uid: 52002
        comment: Bob Operations
        shell: /bin/bash
        ssh_keys: ["%s", "%s"]
        hostclasses: ["*"]
        sudo: ["*"]
        """.formatted(BOB_KEY, ALICE_KEY));
    assertEquals(0, foreman(), err);
    assertTrue(line("passwd", "bob").endsWith(":Bob Operations:/home/bob:/bin/bash"), line("passwd", "bob"));
    assertEquals(BOB_KEY + "\n" + ALICE_KEY + "\n", Files.readString(root.resolve("home/bob/.ssh/authorized_keys")));
    assertTrue(Files.readString(root.resolve("etc/sudoers.d/roller-foreman")).contains("\nbob ALL="));

    commit("users/alice.yml", """
        uid: 52001
        comment: Alice Example
        shell: /bin/bash
        groups: [rollerdev]
        hostclasses: [web]
        files:
          .inputrc: |
            set editing-mode vi
        """);
    assertEquals(0, foreman(), err);
    assertFalse(Files.exists(root.resolve("home/alice/.profile")), "a dotfile dropped from the repo goes");
    assertTrue(out.contains("home/alice/.profile removed (dropped from the repo)"), out);
    assertEquals("set editing-mode vi\n", Files.readString(root.resolve("home/alice/.inputrc")));
    assertEquals("", Files.readString(root.resolve("home/alice/.ssh/authorized_keys")), "no keys left in the repo: none");

    commit("users/alice.yml", null);
    assertEquals(0, foreman(), err);
    assertTrue(out.contains("user alice: locked (removed from the repo)"), out);
    assertTrue(line("shadow", "alice").split(":", -1)[7].equals("1"), "expired: " + line("shadow", "alice"));
    assertFalse(Files.exists(root.resolve("home/alice/.ssh/authorized_keys")));
    assertFalse(Files.readString(root.resolve("etc/sudoers.d/roller-foreman")).contains("alice"));

    assertEquals(0, foreman("--remove"), err);
    assertEquals(null, line("passwd", "alice"));
    assertFalse(Files.exists(root.resolve("home/alice")));
  }

  @Test
  void accountsThatCannotSyncAreReportedAndSkippedWhileTheOthersSync() throws Exception {
    // bob's login belongs to an account foreman did not make.
    Files.writeString(root.resolve("etc/passwd"), "bob:x:53000:53000::/home/bob:/bin/sh\n",
        java.nio.file.StandardOpenOption.APPEND);

    assertEquals(1, foreman());
    assertTrue(err.contains("bob: login bob already exists and foreman did not create it"), err);
    assertTrue(line("passwd", "alice").startsWith("alice:x:52001:"), "alice synced all the same");
    assertEquals("bob:x:53000:53000::/home/bob:/bin/sh", line("passwd", "bob"), "bob untouched");

    // alice is still wanted, but with a broken key: reported and left exactly as she is.
    Sync.Report report = new Sync(root, false, false).run(List.of(
        new Account("alice", 52001, "Alice Example", "/bin/bash", List.of("rollerdev"), List.of("ssh-ed25519 !!!"), true,
            Map.of()),
        new Account("carol", 52003, "", "/bin/zsh", List.of(), List.of(), false, Map.of()),
        new Account("dave", 52001, "", "/bin/sh", List.of(), List.of(), false, Map.of()),
        new Account("erin", 52005, "", "/bin/sh", List.of(), List.of("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ erin"),
            false, Map.of())));
    assertEquals(4, report.failures().size(), report.failures().toString());
    assertTrue(report.failures().get(0).startsWith("alice: invalid ssh key"), report.failures().get(0));
    assertTrue(report.failures().get(1).contains("shell /bin/zsh does not exist"), report.failures().get(1));
    assertTrue(report.failures().get(2).contains("uid 52001 is held by alice"), report.failures().get(2));
    assertTrue(report.failures().get(3).startsWith("erin: invalid ssh key"), report.failures().get(3));
    assertTrue(line("shadow", "alice").split(":", -1)[7].isEmpty(), "alice, still in the repo, is not locked");
    assertEquals(ALICE_KEY + "\n", Files.readString(root.resolve("home/alice/.ssh/authorized_keys")), "nor her keys touched");
    assertTrue(Files.readString(root.resolve("etc/sudoers.d/roller-foreman")).contains("\nalice ALL="), "nor her sudo");
  }

  @Test
  void withTrustASignedAnswerIsSyncedAndOneSignedByAnUntrustedKeyChangesNothing() throws Exception {
    Path config = root.resolve("etc/roller/roll.yml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "trust: " + dev.roller.repo.trust.Keys.format(dev.roller.repo.trust.Keys.generate().getPublic()) + "\n");
    byte[] passwd = Files.readAllBytes(root.resolve("etc/passwd"));
    assertEquals(1, foreman());
    assertTrue(err.contains("that foreman refuses: it is signed by key") && err.contains("not trusted here"), err);
    assertEquals(new String(passwd), Files.readString(root.resolve("etc/passwd")), "nothing changed");

    Files.writeString(config, "trust: " + dev.roller.repo.trust.Keys.format(serverKey.getPublic()) + "\n");
    assertEquals(0, foreman(), err);
    assertTrue(line("passwd", "alice") != null, "synced once the answer verifies");
    assertFalse(err.contains("not verified"), err);
  }
}
