package dev.roller.foreman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.foreman.cli.Foreman;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** foreman install-cron: a valid cron.d entry, root-owned 0644, at a minute the host name decides. */
class InstallCronTest {
  @TempDir Path root;
  String out;
  String err;

  private int foreman(Map<String, String> env, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Foreman.run(new PrintWriter(o, true), new PrintWriter(e, true), env, args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  private String line(String host, String every) throws Exception {
    assertEquals(0, foreman(Map.of(), "install-cron", "--root", root.toString(), "--host", host, "--every", every), err);
    return Files.readString(root.resolve("etc/cron.d/roller-foreman")).lines().reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void writesAValidCronDEntryWithAPerHostSplay() throws Exception {
    String web1 = line("web1.dc1.example.com", "10m");
    assertTrue(web1.matches("[0-9]-59/10 \\* \\* \\* \\* root /usr/local/bin/foreman sync >> /var/log/roller/foreman.log 2>&1"),
        web1);
    Path file = root.resolve("etc/cron.d/roller-foreman");
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String minute = web1.split("-")[0];
    assertTrue(Files.readString(file).contains("\n" + minute + "-59/10 * * * * root /usr/local/bin/roll apply --yes --wait 9m"
        + " >> /var/log/roller/roll-cron.log 2>&1\n"), "roll every 10 minutes, long-polling 9: " + Files.readString(file));
    assertEquals(0, Files.getAttribute(file, "unix:uid"));
    assertEquals(web1, line("web1.dc1.example.com", "10m"), "the same host gets the same minute");
    assertTrue(out.contains("up to date"), out);

    java.util.Set<String> minutes = new java.util.TreeSet<>();
    for (int i = 1; i <= 20; i++) {
      minutes.add(line("web" + i + ".dc1.example.com", "10m").split("-")[0]);
    }
    assertTrue(minutes.size() >= 5, "a fleet spreads over the period: " + minutes);
    assertTrue(line("web1.dc1.example.com", "1h").matches("[0-9]{1,2} \\* \\* \\* \\* root .*"));
    assertTrue(line("web1.dc1.example.com", "6h").matches("[0-9]{1,2} [0-5]-23/6 \\* \\* \\* root .*"));
    assertNotEquals(web1, line("web1.dc1.example.com", "5m"));
  }

  @Test
  void anUnevenPeriodIsAUsageError() {
    assertEquals(2, foreman(Map.of(), "install-cron", "--root", root.toString(), "--host", "a.b.example.com", "--every", "7m"));
    assertTrue(err.contains("minutes must divide an hour"), err);
  }

  @Test
  void asAnActivateHookItWritesUnderRollersRoot() throws Exception {
    assertEquals(0, foreman(Map.of("ROLLER_ROOT", root.toString()), "install-cron", "--host", "a.b.example.com"), err);
    assertTrue(Files.isRegularFile(root.resolve("etc/cron.d/roller-foreman")));
  }

  @Test
  void itReadsRollYmlAsRollDoesTheHostFromItAndAMistakeNamedWithItsLine() throws Exception {
    Files.createDirectories(root.resolve("etc/roller"));
    Files.writeString(root.resolve("etc/roller/roll.yml"), "host: web7.dc1.example.com\nconfig_servers: [http://127.0.0.1:1]\n");
    assertEquals(0, foreman(Map.of(), "install-cron", "--root", root.toString()), err);
    String fromFile = Files.readString(root.resolve("etc/cron.d/roller-foreman"));
    assertEquals(0, foreman(Map.of(), "install-cron", "--root", root.toString(), "--host", "web7.dc1.example.com"), err);
    assertTrue(out.contains("up to date"), "the host named in roll.yml: " + out);
    assertEquals(fromFile, Files.readString(root.resolve("etc/cron.d/roller-foreman")));

    Files.writeString(root.resolve("etc/roller/roll.yml"), "host: web7.dc1.example.com\nconfig_server: http://a\n");
    assertEquals(2, foreman(Map.of(), "install-cron", "--root", root.toString()));
    assertTrue(err.contains("roll.yml:2: ") && err.contains("config_server"), err);
    assertEquals(2, foreman(Map.of(), "sync", "--root", root.toString()));
    assertTrue(err.contains("roll.yml:2: ") && err.contains("config_server"), err);
  }
}
