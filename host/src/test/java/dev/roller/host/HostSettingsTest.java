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
        "host: \"a\"", "host: a\tb", "service_manager: auto # why");
    Random random = new Random(11);
    int accepted = 0;
    for (int i = 0; i < 30_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        text.append(lines.get(random.nextInt(lines.size()))).append('\n');
      }
      Map<String, Object> plain = PlainSettings.read(text.toString(), HostSettings.KEYS);
      if (plain == null || !HostSettings.MANAGERS.contains(plain.getOrDefault("service_manager", "auto"))) {
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
}
