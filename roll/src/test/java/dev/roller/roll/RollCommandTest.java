package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.repo.TestRepo;
import dev.roller.roll.cli.Roll;
import dev.roller.roll.service.ExecServiceManager;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The roll command line: every subcommand against a real config server and a scratch root. */
class RollCommandTest {
  static final String HOST = Services.HOST;

  @TempDir Path dir;
  RollServer server;
  HostLayout layout;
  Map<String, String> env = new HashMap<>();
  String out;
  String err;

  @BeforeEach
  void start() throws Exception {
    server = Services.appServer(dir);
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, new ExecServiceManager(layout));
    server.close();
  }

  private int roll(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Roll.run(new PrintWriter(o, true), new PrintWriter(e, true), env, all.toArray(String[]::new));
    out = o.toString();
    err = e.toString();
    return code;
  }

  private int rollHere(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--root", layout.root().toString(), "--host", HOST));
    return roll(all.toArray(String[]::new));
  }

  private void hostclass(String yaml) throws Exception {
    Services.hostclass(server, yaml);
  }

  @Test
  void helpListsTheCommandsAndExitCodes() {
    assertEquals(0, roll("--help"));
    for (String word : List.of("apply", "plan", "status", "rollback", "generations", "verify", "gc",
        "3   rolled back after a failed health check")) {
      assertTrue(out.contains(word), word + " in\n" + out);
    }
    assertEquals(2, roll("apply", "--no-such-option"));
    assertTrue(err.contains("--no-such-option"), err);
  }

  @Test
  void applyStatusGenerationsAndThenANoOp() throws Exception {
    assertEquals(0, rollHere("--config-server", server.uri().toString(), "--yes"), err);
    assertTrue(out.contains("applied generation 1"), out);
    assertTrue(err.contains("fetching 2 packages") || out.contains("fetched alpha-1.0.0"), out + err);

    assertEquals(0, rollHere("status"), out + err);
    assertTrue(out.contains("generation: 1"), out);
    assertTrue(out.contains("alpha: running, healthy"), out);
    assertTrue(out.contains("alpha: 1.0.0"), out);

    assertEquals(0, rollHere("generations"));
    assertTrue(out.contains("* 1  "), out);
    assertTrue(out.contains("  0  this host's own /usr/local from before roll"), out);

    env.put("ROLLER_CONFIG_SERVER", server.uri().toString());
    assertEquals(0, rollHere("apply"));
    assertTrue(out.contains("nothing to do"), out);
    assertTrue(Files.readString(layout.log().resolve("roll.log")).contains("nothing to do"));
  }

  @Test
  void aFirstPlanSaysWhatBecomesGenerationZeroAndWarnsThatRollIsMissing() throws Exception {
    Files.createDirectories(layout.usrLocal().resolve("bin"));
    Files.writeString(layout.usrLocal().resolve("bin/legacy"), "old\n");
    env.put("ROLLER_CONFIG_SERVER", server.uri().toString());

    assertEquals(0, rollHere("plan"), err);

    assertTrue(out.contains("first roll on this host: its own " + layout.usrLocal() + " is kept, as it is, as generation 0"), out);
    assertTrue(out.contains("warning: generation 1 has no bin/roll: once it is applied, this host cannot roll again"), out);
    assertFalse(Files.isSymbolicLink(layout.usrLocal()), "plan moves nothing");
    assertEquals(List.of(), new dev.roller.roll.generation.Generations(layout).list());
  }

  @Test
  void planShowsPackagesDiffsAndServicesAndChangesNothing() throws Exception {
    env.put("ROLLER_CONFIG_SERVER", server.uri().toString());
    assertEquals(0, rollHere("apply"));
    Services.publish(server, "beta", "1.1.0", "");
    hostclass("packages: {alpha: 1.0.0, beta: 1.1.0}\nparams: {greeting: bonjour}\n");

    assertEquals(0, rollHere("plan"), err);

    assertTrue(out.contains("change beta 1.0.0 -> 1.1.0"), out);
    assertTrue(out.contains("-greeting=hello"), out);
    assertTrue(out.contains("+greeting=bonjour"), out);
    assertTrue(out.contains("alpha: reload: rendered config of alpha changed"), out);
    assertTrue(out.contains("beta: restart: package beta changed"), out);
    assertEquals(List.of(0, 1), new dev.roller.roll.generation.Generations(layout).list());
    assertEquals("greeting=hello\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")));
  }

  @Test
  void verifyNamesAHandEditAndExitsNonZero() throws Exception {
    env.put("ROLLER_CONFIG_SERVER", server.uri().toString());
    assertEquals(0, rollHere("apply"));
    assertEquals(0, rollHere("verify"));
    assertTrue(out.contains("generation 1 verifies"), out);

    Files.writeString(layout.usrLocal().resolve("bin/beta"), "#!/bin/sh\necho tampered\n");

    assertEquals(1, rollHere("verify"));
    assertTrue(out.contains("modified: bin/beta"), out);
    assertTrue(err.contains("does not verify"), err);
  }

  @Test
  void rollbackAndGcFromTheCommandLine() throws Exception {
    env.put("ROLLER_CONFIG_SERVER", server.uri().toString());
    assertEquals(0, rollHere("apply"));
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hi}\n");
    assertEquals(0, rollHere("apply"));
    hostclass("packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hey}\n");
    assertEquals(0, rollHere("apply"));
    Services.stopAll(layout, new ExecServiceManager(layout));

    assertEquals(0, rollHere("rollback"), err);
    assertTrue(out.contains("rolled back to generation 2"), out);
    assertEquals("greeting=hi\n", Files.readString(layout.usrLocal().resolve("etc/alpha.conf")));

    assertEquals(0, rollHere("gc", "--keep", "1"), err);
    assertEquals(List.of(0, 2, 3), new dev.roller.roll.generation.Generations(layout).list(), "the newest, the current one and 0");
    assertEquals(1, out.split("removed generations", -1).length - 1, "said once: " + out);
    assertEquals(0, rollHere("gc", "--keep", "1"), err);
    assertTrue(out.contains("gc: nothing to remove"), out);
  }

  @Test
  void settingsComeFromRollYmlAndMistakesThereAreUsageErrors() throws Exception {
    Files.createDirectories(layout.config().getParent());
    Files.writeString(layout.config(), "config_servers:\n  - " + server.uri() + "\nhost: " + HOST + "\n");
    assertEquals(0, roll("apply", "--root", layout.root().toString()), err);
    assertTrue(out.contains("applied generation 1"), out);

    Files.writeString(layout.config(), "config_servers: [" + server.uri() + "]\nhots: typo.example.com\n");
    assertEquals(2, roll("status", "--root", layout.root().toString()));
    assertTrue(err.contains(layout.config() + ":2") && err.contains("unknown key \"hots\""), err);

    Files.delete(layout.config());
    assertEquals(2, roll("apply", "--root", layout.root().toString(), "--host", HOST));
    assertTrue(err.contains("no config server"), err);
  }

  @Test
  void anUnreachableServerFailsTheRollAndLeavesTheHostAlone() throws Exception {
    env.put("ROLLER_CONFIG_SERVER", server.uri().toString());
    assertEquals(0, rollHere("apply"));
    server.close();

    assertEquals(1, rollHere("apply"));
    assertTrue(err.contains("no config server answered"), err);
    assertEquals(1, new dev.roller.roll.generation.Generations(layout).current().getAsInt());
    assertFalse(Files.exists(layout.journal()));
    server = new RollServer(TestRepo.minimal(dir.resolve("repo2")), dir.resolve("server2"));
  }
}
