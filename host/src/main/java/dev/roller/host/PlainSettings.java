package dev.roller.host;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code roll.yml} in the shapes it is written in, read without a YAML parser: the settings a
 * no-op roll reads on every run, where setting up the YAML library was a tenth of its time. Only
 * these lines are read:
 *
 * <pre>
 * # a comment
 * host: web1.dc1.example.com          # a comment
 * config_servers: [http://config1:8080, http://config2:8080]
 * config_servers:
 *   - http://config1:8080
 * </pre>
 *
 * Values are plain words (letters, digits and {@code . _ : / @ % + = ~ -}, starting with a letter
 * or digit). For anything else (quotes, tabs, anchors, several documents, an unknown or repeated
 * key, a key without a value) the answer is null, and the file is read as YAML, which also names
 * the line of a mistake. A test holds the two readings equal.
 */
final class PlainSettings {
  private PlainSettings() {}

  /** The settings in {@code text} as the YAML reading gives them, or null when {@code text} is not in these shapes. */
  static Map<String, Object> read(String text, Collection<String> keys) {
    return read(text, keys, java.util.Set.of("config_servers"));
  }

  /** As above, where the keys in {@code lists} take a list (one value, a flow list, or block items). */
  static Map<String, Object> read(String text, Collection<String> keys, java.util.Set<String> lists) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < ' ' || c > '~') && c != '\n') {
        return null; // tabs, carriage returns, control and non-ASCII characters: YAML's rules
      }
    }
    Map<String, Object> out = new HashMap<>();
    String listKey = null;
    List<String> items = null;
    int itemIndent = -1;
    for (int start = 0; start < text.length(); ) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      start = end + 1;
      int indent = 0;
      while (indent < line.length() && line.charAt(indent) == ' ') {
        indent++;
      }
      if (indent == line.length() || line.charAt(indent) == '#') {
        continue;
      }
      if (items != null && line.startsWith("- ", indent) && (itemIndent < 0 || itemIndent == indent)) {
        itemIndent = indent;
        String item = value(line, indent + 2);
        if (item == null) {
          return null;
        }
        items.add(item);
        continue;
      }
      if (items != null) {
        if (items.isEmpty()) {
          return null; // a key with no value: YAML's null
        }
        out.put(listKey, items);
        items = null;
      }
      int colon = line.indexOf(':');
      if (indent > 0 || colon <= 0 || !keys.contains(line.substring(0, colon)) || out.containsKey(line.substring(0, colon))) {
        return null;
      }
      String key = line.substring(0, colon);
      int at = colon + 1;
      if (at < line.length() && line.charAt(at) != ' ') {
        return null;
      }
      while (at < line.length() && line.charAt(at) == ' ') {
        at++;
      }
      if (at == line.length() || line.charAt(at) == '#') {
        if (!lists.contains(key)) {
          return null;
        }
        listKey = key;
        items = new ArrayList<>();
        itemIndent = -1;
      } else if (line.charAt(at) == '[') {
        List<String> list = flow(line, at);
        if (list == null || !lists.contains(key)) {
          return null;
        }
        out.put(key, list);
      } else {
        String value = value(line, at);
        if (value == null) {
          return null;
        }
        out.put(key, lists.contains(key) ? List.of(value) : value);
      }
    }
    if (items != null) {
      if (items.isEmpty()) {
        return null;
      }
      out.put(listKey, items);
    }
    return out.isEmpty() ? null : out; // YAML's "empty file" is an error it names
  }

  /** The plain word at {@code from}, followed by nothing or a comment; else null. */
  private static String value(String line, int from) {
    int end = word(line, from);
    if (end < 0) {
      return null;
    }
    return rest(line, end) ? line.substring(from, end) : null;
  }

  /** {@code [word, word]} at {@code from}, followed by nothing or a comment; else null. */
  private static List<String> flow(String line, int from) {
    List<String> out = new ArrayList<>();
    int at = skip(line, from + 1);
    if (at < line.length() && line.charAt(at) == ']') {
      return rest(line, at + 1) ? out : null;
    }
    while (true) {
      int end = word(line, at);
      if (end < 0) {
        return null;
      }
      out.add(line.substring(at, end));
      at = skip(line, end);
      if (at < line.length() && line.charAt(at) == ',') {
        at = skip(line, at + 1);
      } else if (at < line.length() && line.charAt(at) == ']') {
        return rest(line, at + 1) ? out : null;
      } else {
        return null;
      }
    }
  }

  /** The end of the plain word at {@code from}, or -1 if there is none there. */
  private static int word(String line, int from) {
    int at = from;
    while (at < line.length() && plain(line.charAt(at))) {
      at++;
    }
    if (at == from || !Character.isLetterOrDigit(line.charAt(from)) || line.charAt(from) > 'z' || line.charAt(at - 1) == ':') {
      return -1;
    }
    String word = line.substring(from, at);
    return word.equals("null") || word.equals("Null") || word.equals("NULL") ? -1 : at;
  }

  private static boolean plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._:/@%+=~-".indexOf(c) >= 0;
  }

  /** Whether the line holds nothing after {@code at} but spaces and a comment. */
  private static boolean rest(String line, int at) {
    int after = skip(line, at);
    return after == line.length() || (after > at && line.charAt(after) == '#');
  }

  private static int skip(String line, int at) {
    while (at < line.length() && line.charAt(at) == ' ') {
      at++;
    }
    return at;
  }
}
