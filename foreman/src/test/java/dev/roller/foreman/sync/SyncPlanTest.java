package dev.roller.foreman.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan alone: what the repo wants against what a host has, with nothing run and nothing touched. */
class SyncPlanTest {
  static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxzl5+CMvPkhiW/T1sjPQczvd3mCiI1MU+dTBpxMJfd alice@example.com";

  @TempDir Path root;

  private SyncPlan.Current host(String passwd, String group, String shadow) throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), passwd);
    Files.writeString(root.resolve("etc/group"), group);
    Files.writeString(root.resolve("etc/shadow"), shadow);
    return new SyncPlan.Current(Passwd.read(root), State.read(root), Map.of(), null, shell -> shell.equals("/bin/bash"));
  }

  private static Account alice(String group) {
    return new Account("alice", 52001, "Alice Example", "/bin/bash", List.of(group), List.of(KEY), true,
        Map.of(".profile", "export EDITOR=vi\n"));
  }

  @Test
  void aNewAccountIsPlannedWholeItsFilesShownAsDiffsFromNothing() throws Exception {
    SyncPlan plan = SyncPlan.of(List.of(alice("rollerdev")), host("root:x:0:0:root:/root:/bin/bash\n", "root:x:0:\n",
        "root:*:19000:0:99999:7:::\n"), false);

    assertEquals(List.of("group rollerdev: created", "user alice: created (uid 52001)",
        "user alice: home/alice/.ssh/authorized_keys written", "user alice: home/alice/.profile written",
        "sudoers: etc/sudoers.d/roller-foreman written"), plan.lines());
    assertEquals(List.of(), plan.failures());
    assertEquals(2, plan.diffs().size());
    assertTrue(plan.diffs().get(0).contains("+++ b/home/alice/.ssh/authorized_keys") && plan.diffs().get(0).contains("+" + KEY),
        plan.diffs().get(0));
    assertTrue(Files.notExists(root.resolve("home")) && Files.notExists(root.resolve("var")), "nothing touched");
  }

  @Test
  void aBadEntryIsAFailureAndTheOthersAreStillPlanned() throws Exception {
    Account bob = new Account("bob", 52002, "", "/bin/bash", List.of(), List.of(), false, Map.of());
    Account held = new Account("carol", 0, "", "/bin/bash", List.of(), List.of(), false, Map.of());
    SyncPlan plan = SyncPlan.of(List.of(alice("a:b,c"), bob, held), host("root:x:0:0:root:/root:/bin/bash\n",
        "root:x:0:\n", "root:*:19000:0:99999:7:::\n"), false);

    assertEquals(2, plan.failures().size(), plan.failures().toString());
    assertTrue(plan.failures().get(0).startsWith("alice: ") && plan.failures().get(0).contains("a:b,c"), plan.failures().toString());
    assertTrue(plan.failures().get(1).startsWith("carol: "), plan.failures().toString());
    assertEquals(List.of("user bob: created (uid 52002)", "user bob: home/bob/.ssh/authorized_keys written"), plan.lines());
  }
}
