package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.service.SystemdServiceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd service manager, checked on the units it writes and the systemctl commands it
 * issues. systemd cannot run as PID 1 here, so systemctl is a stand-in script that records its
 * arguments and "runs" a service by creating the state file its health check looks for; this is
 * the one fake in roll's tests.
 */
class SystemdServiceManagerTest {
  static final String HOST = Services.HOST;

  @TempDir Path dir;
  RollServer server;
  HostLayout layout;
  Path commands;
  Applier applier;

  @BeforeEach
  void start() throws Exception {
    server = Services.appServer(dir);
    Services.publish(server, "beta", "1.1.0", "");
    layout = new HostLayout(dir.resolve("host"));
    Path state = layout.root().resolve("state");
    Files.createDirectories(state);
    commands = dir.resolve("systemctl.log");
    Path systemctl = dir.resolve("systemctl");
    Files.writeString(systemctl, """
        #!/bin/sh
        echo "$*" >> %s
        unit() { n="${1#roller-}"; echo "${n%%.service}"; }
        case "$1" in
          start) touch "%s/$(unit "$2")" ;;
          stop) rm -f "%s/$(unit "$2")" ;;
          is-active) test -f "%s/$(unit "$3")" ;;
          show) echo 0 ;;
        esac
        """.formatted(commands, state, state, state));
    Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    applier = new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20)),
        new SystemdServiceManager(layout, systemctl.toString()), Services.quietLog());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The state-changing commands issued so far (queries left out), then forgotten. */
  private List<String> issued() throws Exception {
    List<String> all = Files.readAllLines(commands).stream()
        .filter(c -> !c.startsWith("is-active") && !c.startsWith("show")).toList();
    Files.delete(commands);
    return all;
  }

  @Test
  void writesAUnitPerServiceAndDrivesThemWithSystemctl() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());

    String unit = Files.readString(layout.systemdUnits().resolve("roller-alpha.service"));
    Path root = layout.root();
    assertTrue(unit.contains("\nWorkingDirectory=" + root + "/usr/local\n"), unit);
    assertTrue(unit.contains("\nExecStart=/bin/sh -c \"exec bin/alpha " + root + "/state alpha 1.0.0 " + root
        + "/usr/local/etc/alpha.conf\"\n"), unit);
    assertTrue(unit.contains("\nExecReload=/bin/sh -c \"bin/alpha-reload " + root + "/state alpha\"\n"), unit);
    assertTrue(unit.contains("\nTimeoutStopSec=5000ms\n"), unit);
    assertTrue(unit.contains("\nKillMode=control-group\n"), unit);
    assertTrue(unit.contains("\nStandardOutput=append:" + root + "/var/log/roller/alpha.log\n"), unit);
    assertTrue(unit.contains("\nWantedBy=multi-user.target\n"), unit);
    assertEquals(List.of("daemon-reload", "enable --quiet roller-alpha.service", "start roller-alpha.service",
        "daemon-reload", "enable --quiet roller-beta.service", "start roller-beta.service"), issued());

    server.repo.write("hostclasses/app.yml", "packages: {alpha: 1.0.0, beta: 1.1.0}\nparams: {greeting: bonjour}\n");
    server.repo.commit("beta 1.1.0, new greeting");
    server.refresh();
    assertEquals(0, applier.apply(HOST, false).exitCode());

    assertEquals(List.of("stop roller-beta.service", "daemon-reload", "enable --quiet roller-beta.service",
        "start roller-beta.service", "reload roller-alpha.service"), issued(),
        "beta's unit changed (its version is in its command): rewritten and restarted; alpha only reloaded");
  }

  @Test
  void servicesStopInReverseOrderAndStartInHostclassOrder() throws Exception {
    assertEquals(0, applier.apply(HOST, false).exitCode());
    issued();

    assertEquals(0, applier.apply(HOST, true).exitCode(), "--restart-all");

    assertEquals(List.of("stop roller-beta.service", "stop roller-alpha.service", "start roller-alpha.service",
        "start roller-beta.service"), issued());
  }

  @Test
  void commandsAreQuotedSoSystemdPassesThemToTheShellUnchanged() throws Exception {
    ServiceUnit unit = new ServiceUnit("odd", "bin/odd --greeting \"$HOME\" --share 100% --path C:\\x", Duration.ofSeconds(3),
        null, null);
    String text = new SystemdServiceManager(layout, "systemctl").unitText(unit);
    assertTrue(text.contains("\nExecStart=/bin/sh -c \"exec bin/odd --greeting \\\"$$HOME\\\" --share 100%% --path C:\\\\x\"\n"),
        text);
  }
}
