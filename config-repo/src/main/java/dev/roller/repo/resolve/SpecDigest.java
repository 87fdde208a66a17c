package dev.roller.repo.resolve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The digest of a host's spec as roll applies it: sha256 of a canonical JSON text of its host,
 * hostclass, datacenter, packages (name, version, sha256, size), params and peers, the commit left
 * out. roll records it in each generation; the config server sends it as the spec's weak ETag,
 * so a roll whose spec has not changed gets a 304 and downloads and parses nothing.
 */
public final class SpecDigest {
  private static final List<String> KEYS = List.of("host", "hostclass", "datacenter", "packages", "params", "peers");

  private SpecDigest() {}

  /** The digest of {@code spec}, a spec document (only the keys above count), in hex. */
  public static String of(Map<String, ?> spec) {
    Map<String, Object> kept = new TreeMap<>();
    for (String key : KEYS) {
      kept.put(key, spec.get(key));
    }
    StringBuilder text = new StringBuilder();
    canonical(kept, text);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A canonical JSON text of a parsed document: maps with their keys sorted, lists in order,
   * strings quoted and escaped, numbers and booleans as Java prints them. The same document
   * always gives the same text (and so the same digest).
   */
  static void canonical(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(e.getKey(), out);
        out.append(':');
        canonical(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonical(list.get(i), out);
      }
      out.append(']');
    } else if (value == null) {
      out.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      string(String.valueOf(value), out);
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

}
