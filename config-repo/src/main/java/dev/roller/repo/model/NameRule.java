package dev.roller.repo.model;

import java.util.regex.Pattern;

/**
 * The naming rules of the config repo and of packages (DESIGN §2, §3). Every name that reaches a
 * path, a URL or a command line is checked against one of these first, so hostile names ({@code
 * ../}, absolute paths, NUL, very long names) are refused as ordinary problems.
 */
public enum NameRule {
  DATACENTER("datacenter name", "[a-z0-9][a-z0-9_-]{0,62}"),
  HOSTCLASS("hostclass name", "[a-z0-9][a-z0-9_-]{0,62}"),
  HOST(
      "host name",
      "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*",
      "a lower-case DNS name"),
  LOGIN("login", "[a-z_][a-z0-9_-]{0,31}"),
  GROUP("group name", "[a-z_][a-z0-9_-]{0,31}"),
  PACKAGE("package name", "[a-z0-9][a-z0-9._+-]{0,127}", "[a-z0-9][a-z0-9._+-]*, at most 128 characters"),
  VERSION("version", "[0-9A-Za-z][0-9A-Za-z._+~-]{0,127}",
      "an exact version [0-9A-Za-z][0-9A-Za-z._+~-]*, at most 128 characters"),
  PARAM("param name", "[A-Za-z_][A-Za-z0-9_]{0,127}", "[A-Za-z_][A-Za-z0-9_]*"),
  DOTFILE("dotfile name", "(?!\\.{1,2}$)(?!\\.ssh$)[A-Za-z0-9._-]{1,255}",
      "a plain file name (letters, digits, '.', '_', '-'; not '.', '..' or '.ssh')");

  private final String noun;
  private final String regex;
  private final String expected;
  /** Compiled on first use: a tool that checks one kind of name (roll: a host) compiles one regex. */
  private volatile Pattern pattern;

  NameRule(String noun, String regex) {
    this(noun, regex, regex);
  }

  NameRule(String noun, String regex, String expected) {
    this.noun = noun;
    this.regex = regex;
    this.expected = expected;
  }

  public boolean matches(String name) {
    if (name == null) {
      return false;
    }
    if (this == HOST) {
      return isHostName(name);
    }
    Pattern p = pattern;
    if (p == null) {
      p = Pattern.compile(regex);
      pattern = p;
    }
    return p.matcher(name).matches();
  }

  /**
   * The HOST rule, checked by hand: it is the one name roll checks on every run, and compiling its
   * regex was a tenth of a no-op roll. A test keeps it equal to the regex.
   */
  private static boolean isHostName(String name) {
    int n = name.length();
    if (n < 1 || n > 253) {
      return false;
    }
    int labelStart = 0;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? name.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length < 1 || length > 63 || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** The rule's regular expression (for HOST, the rule {@link #matches} checks by hand). */
  public String regex() {
    return regex;
  }

  /** The problem with {@code name}, or null if it follows the rule. */
  public String problem(String name) {
    if (matches(name)) {
      return null;
    }
    return "bad " + noun + " " + quote(name) + ": expected " + expected;
  }

  /** Throws {@link IllegalArgumentException} naming the rule unless {@code name} follows it. */
  public String require(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return name;
  }

  public String noun() {
    return noun;
  }

  /**
   * Quotes a name for an error message: control characters escaped, very long names cut, so a
   * hostile name cannot garble the output it is reported in.
   */
  public static String quote(String name) {
    if (name == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder("\"");
    int max = 80;
    for (int i = 0; i < name.length() && i < max; i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (name.length() > max) {
      out.append("...\" (").append(name.length()).append(" characters)");
      return out.toString();
    }
    return out.append('"').toString();
  }
}
