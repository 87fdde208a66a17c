package dev.roller.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link YamlEvents} writes what SnakeYAML's whole path writes, byte for byte, or declines. */
class YamlEventsTest {
  /** Pieces of strings YAML treats specially: bools, nulls, numbers, dates, indicators, quotes, breaks. */
  private static final List<String> PIECES = List.of("", "a", "host", "in sync", "yes", "No", "on", "OFF", "y", "~", "null",
      "Null", "true", "False", "0", "7", "-3", "0x1f", "0b101", "012", "1_000", "1.5", ".5", "1e3", ".inf", "-.Inf", ".NaN",
      "2026-12-02", "2026-12-02T10:00:00Z", "10:00", "<<", "=", ":", ": ", " :", "- ", "-", "?", "#", " #x", "&a", "*a", "!t",
      "|", ">", "%", "@", "`", "'", "\"", "\\", "{", "}", "[", "]", ",", " ", "  ", "\t", "\n", "\r\n", "\u0085", "\u2028",
      "é", "日本", "😀", "\u00a0", "x".repeat(130), "a b", "a:b", "a,b", "http://x/y?z=1#f");

  @Test
  void writesWhatSnakeYamlWritesForRandomDocuments() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int taken = 0;
    for (int i = 0; i < 3000; i++) {
      Object doc = value(random, 0);
      String expected = Render.snakeYaml(doc);
      try {
        assertEquals(expected, YamlEvents.dump(doc, Render.yamlOptions()), "seed " + seed + ", document " + i + ": " + doc);
        taken++;
      } catch (YamlEvents.Unplain declined) {
        // a document with a string YAML cannot print: Render takes SnakeYAML's path
      }
      assertEquals(expected, new String(Render.render(doc, Render.Format.YAML), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertTrue(taken > 2500, "seed " + seed + ": only " + taken + " of 3000 documents written by events");
  }

  @Test
  void aFleetDocumentIsWrittenByEvents() throws Exception {
    List<Map<String, Object>> grid = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("in sync", 49);
      counts.put("failing", 1);
      counts.put("report unreadable", 0);
      grid.add(Map.of("datacenter", "dc1", "hostclass", "web-" + c, "hosts", counts));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("commit", "0123456789abcdef0123456789abcdef01234567");
    doc.put("total", 1000L);
    doc.put("verified", false);
    doc.put("error", null);
    doc.put("grid", grid);
    assertEquals(Render.snakeYaml(doc), YamlEvents.dump(doc, Render.yamlOptions()));
  }

  @Test
  void declinesWhatIsNotAPlainValue() {
    for (Object doc : List.of(Map.of("a", Set.of("x")), Map.of("ratio", 0.5), List.of("bell \u0007"), new int[] {1},
        nested(YamlEvents.MAX_DEPTH + 2))) {
      assertThrows(YamlEvents.Unplain.class, () -> YamlEvents.dump(doc, Render.yamlOptions()), String.valueOf(doc));
      assertEquals(Render.snakeYaml(doc), new String(Render.render(doc, Render.Format.YAML), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static Object nested(int depth) {
    Object v = "bottom";
    for (int i = 0; i < depth; i++) {
      v = List.of(v);
    }
    return v;
  }

  private static Object value(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 6 : 9);
    switch (kind) {
      case 0, 1, 2:
        return string(random);
      case 3:
        return random.nextBoolean() ? random.nextInt() : random.nextLong();
      case 4:
        return random.nextInt(10) == 0 ? null : random.nextBoolean();
      case 5:
        return random.nextInt(20) == 0 ? "bell\u0007" : string(random);
      case 6, 7: {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int n = random.nextInt(5); n > 0; n--) {
          map.put(random.nextInt(8) == 0 ? random.nextInt(100) : string(random), value(random, depth + 1));
        }
        return map;
      }
      default: {
        List<Object> list = new ArrayList<>();
        for (int n = random.nextInt(5); n > 0; n--) {
          list.add(value(random, depth + 1));
        }
        return list;
      }
    }
  }

  private static String string(Random random) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(4); n > 0; n--) {
      s.append(PIECES.get(random.nextInt(PIECES.size())));
    }
    return s.toString();
  }
}
