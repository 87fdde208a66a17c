package dev.roller.server.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** HTML text for the fleet pages: escaping (every value from the repo or a report goes through it) and short forms. */
final class Html {
  private Html() {}

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** An instant to the second, escaped. */
  static String time(Instant at) {
    return escape(at.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** Any value as escaped text; null as nothing. */
  static String text(Object v) {
    return v == null ? "" : escape(String.valueOf(v));
  }

  /** A commit id's first 12 characters (not escaped). */
  static String shortCommit(Object commit) {
    String c = commit == null ? "" : String.valueOf(commit);
    return c.length() > 12 ? c.substring(0, 12) : c;
  }

  /** A value as a URL's query parameter. */
  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
