package dev.roller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostSettingsTest {
  static final String KEY = dev.roller.repo.trust.Keys.format(dev.roller.repo.trust.Keys.generate().getPublic());
  static final String KEY2 = dev.roller.repo.trust.Keys.format(dev.roller.repo.trust.Keys.generate().getPublic());
  @Test
  void serverListsSplitOnCommasAndWhiteSpace() {
    assertEquals(List.of("http://a:8080", "http://b", "http://c"), HostSettings.split(" http://a:8080,http://b \n\t,, http://c,"));
    assertEquals(List.of(), HostSettings.split(" , "));
    assertEquals(List.of("http://a"), HostSettings.split("http://a"));
  }

  @Test
  void theUsualRollYmlIsReadWithoutYaml() {
    assertEquals(Map.of("config_servers", List.of("http://config1.dc1:8080", "http://config2.dc1:8080"),
            "host", "web1.dc1.example.com", "service_manager", "exec"),
        PlainSettings.read("""
            # this host's roll settings
            config_servers: [http://config1.dc1:8080, http://config2.dc1:8080]
            host: web1.dc1.example.com   # its name in the repo
            service_manager: exec
            """, HostSettings.KEYS));
    assertEquals(Map.of("config_servers", List.of("http://a:8080", "http://b:8080")),
        PlainSettings.read("config_servers:\n  - http://a:8080\n  - http://b:8080\n", HostSettings.KEYS));
    assertNull(PlainSettings.read("host: 'quoted.example.com'\n", HostSettings.KEYS), "quotes are YAML's to read");
    assertNull(PlainSettings.read("hots: typo.example.com\n", HostSettings.KEYS), "an unknown key is YAML's to report");
  }

  /** Every file the plain reading accepts, it reads as the YAML reading does: random files from tricky lines. */
  @Test
  void thePlainReadingAgreesWithYamlOnEveryFileItAccepts() {
    List<String> lines = List.of("host: web1.dc1.example.com", "host: a", "host: 123", "host: yes", "host: null", "host: ~",
        "host: a:", "host: a:b", "host: -a", "host: a#b", "host: a #b", "host:", "host:  x  ", "host:x", " host: x",
        "config_servers: http://a:8080/", "config_servers: [http://a:8080, http://b]", "config_servers: []",
        "config_servers: [ a ,b ]", "config_servers: [a,]", "config_servers: [a b]", "config_servers:", "config_servers: # none",
        "  - http://a:8080", "- http://b", "    - c", "  -d", "  - ", "  - null", "service_manager: exec",
        "service_manager: systemd", "service_manager: bogus", "# comment", "   # indented comment", "", "  ", "---", "...",
        "key: value", "host: [a]", "config_servers: {a: b}", "host: &anchor a", "host: *anchor", "host: a\u00e9",
        "host: \"a\"", "host: a\tb", "service_manager: auto # why", "wait: 9m", "wait: 30s", "wait: soon", "wait:",
        "trust: " + KEY, "trust: [" + KEY + ", " + KEY2 + "]", "trust:", "  - " + KEY, "trust: ed25519:AAAA", "trust: nope",
        "max_age: 7d", "max_age: 12h", "max_age: old");
    Random random = new Random(11);
    int accepted = 0;
    for (int i = 0; i < 30_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        text.append(lines.get(random.nextInt(lines.size()))).append('\n');
      }
      Map<String, Object> plain = HostSettings.plain(text.toString());
      if (!HostSettings.plainUsable(plain)) {
        continue;
      }
      accepted++;
      Map<String, Object> yaml;
      try {
        yaml = HostSettings.readYaml(text.toString().getBytes(StandardCharsets.UTF_8), "roll.yml");
      } catch (HostSettings.SettingsException e) {
        throw new AssertionError("the plain reading accepted what YAML refuses (" + e.getMessage() + "):\n" + text, e);
      }
      assertEquals(yaml, plain, text::toString);
    }
    assertTrue(accepted > 1000, "files both read: " + accepted);
    assertNull(PlainSettings.read("# nothing\n", HostSettings.KEYS), "an empty file is YAML's to report");
  }

  @Test
  void waitInRollYmlIsTheLongPollOfApply(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
    java.nio.file.Path config = root.resolve("etc/roller/roll.yml");
    java.nio.file.Files.createDirectories(config.getParent());
    java.nio.file.Files.writeString(config, "config_servers: http://c:8080\nhost: web1.dc1.example.com\nwait: 9m\n");
    assertEquals(java.time.Duration.ofMinutes(9), HostSettings.resolve(root, null, null, Map.of(), true).longPoll());
    java.nio.file.Files.writeString(config, "config_servers: http://c:8080\nhost: web1.dc1.example.com\n");
    assertEquals(java.time.Duration.ZERO, HostSettings.resolve(root, null, null, Map.of(), true).longPoll(), "no wait by default");
    java.nio.file.Files.writeString(config, "config_servers: http://c:8080\nhost: web1.dc1.example.com\nwait: soon\n");
    HostSettings.SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(HostSettings.SettingsException.class,
        () -> HostSettings.resolve(root, null, null, Map.of(), true));
    assertTrue(e.getMessage().contains("roll.yml:3: wait must be a duration such as 9m or 30s, not \"soon\""), e.getMessage());
  }

  @Test
  void trustIsOneKeyOrSeveralAndABadOneIsNamedAtItsLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
      throws Exception {
    java.nio.file.Path config = root.resolve("etc/roller/roll.yml");
    java.nio.file.Files.createDirectories(config.getParent());
    java.nio.file.Files.writeString(config, "config_servers: http://c:8080\nhost: web1.dc1.example.com\ntrust:\n  - " + KEY
        + "\n  - " + KEY2 + "\nmax_age: 12h\n");
    HostSettings settings = HostSettings.resolve(root, null, null, Map.of(), true);
    assertEquals(List.of(KEY, KEY2), settings.trust());
    assertEquals(java.time.Duration.ofHours(12), settings.maxAge());
    java.nio.file.Files.writeString(config, "config_servers: http://c:8080\nhost: web1.dc1.example.com\n");
    assertEquals(List.of(), HostSettings.resolve(root, null, null, Map.of(), true).trust());
    assertEquals(java.time.Duration.ofDays(7), HostSettings.resolve(root, null, null, Map.of(), true).maxAge());
    java.nio.file.Files.writeString(config, "config_servers: http://c:8080\ntrust:\n  - " + KEY + "\n  - ed25519:AAAA\n");
    HostSettings.SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(HostSettings.SettingsException.class,
        () -> HostSettings.resolve(root, null, "web1.dc1.example.com", Map.of(), true));
    assertTrue(e.getMessage().contains("roll.yml:4: trust: the key \"ed25519:AAAA\" is not an Ed25519 public key"), e.getMessage());
  }
}
