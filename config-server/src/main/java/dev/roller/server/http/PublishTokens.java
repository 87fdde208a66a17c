package dev.roller.server.http;

import dev.roller.repo.model.NameRule;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@code --publish-token-file}: who may publish, by token (DESIGN §9). */
public final class PublishTokens {
  private PublishTokens() {}

  /**
   * The tokens in a {@code --publish-token-file}: one per line, {@code <name> <token>}, or a token
   * alone (its publisher {@code unnamed}); blank lines and {@code #} comments skipped. An
   * {@link IllegalArgumentException} names the line of a token shorter than 16 characters, a line
   * with more than two words, or a token listed twice.
   */
  public static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      if (words.length > 2) {
        throw new IllegalArgumentException("line " + (i + 1) + ": expected <name> <token>, or a token alone");
      }
      String token = words[words.length - 1];
      String name = words.length == 2 ? words[0] : "unnamed";
      if (token.length() < 16) {
        throw new IllegalArgumentException("line " + (i + 1) + ": the token of " + name + " is under 16 characters");
      }
      if (!NameRule.HOSTCLASS.matches(name) && !name.equals("unnamed")) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + NameRule.quote(name) + " is not a publisher name "
            + "(letters, digits, '-' and '_')");
      }
      if (out.put(token, name) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": a token listed twice");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no token in it");
    }
    return out;
  }

}
