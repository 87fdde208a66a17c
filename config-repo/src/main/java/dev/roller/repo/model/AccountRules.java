package dev.roller.repo.model;

/**
 * The rules an account's fields follow, beyond its names ({@link NameRule#LOGIN}, {@link
 * NameRule#GROUP}, {@link NameRule#DOTFILE}): the validator applies them to the repo, and foreman
 * applies the same ones to what a config server sends it, so nothing the validator would refuse
 * reaches {@code useradd}. Each check returns what is wrong, or null.
 */
public final class AccountRules {
  /** The largest uid: what a signed 32-bit id holds (and {@code useradd} accepts). */
  public static final long MAX_UID = Integer.MAX_VALUE;

  private AccountRules() {}

  public static String uidProblem(long uid) {
    if (uid < 1) {
      return "uid " + uid + " is not allowed: expected a number of 1 or more (0 is root)";
    }
    if (uid > MAX_UID) {
      return "uid " + uid + " is too large: at most " + MAX_UID;
    }
    return null;
  }

  public static String commentProblem(String comment) {
    if (comment.contains(":") || comment.contains("\n") || comment.chars().anyMatch(c -> c < 0x20)) {
      return "'comment' cannot contain ':', a line break or a control character (it goes into /etc/passwd)";
    }
    return null;
  }

  public static String shellProblem(String shell) {
    if (!shell.startsWith("/") || shell.contains("..") || shell.contains(":") || shell.contains("//")
        || shell.chars().anyMatch(c -> c < 0x20) || shell.length() > 255) {
      return "'shell' must be an absolute path such as /bin/bash, got " + NameRule.quote(shell);
    }
    return null;
  }
}
