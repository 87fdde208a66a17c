package dev.roller.pkg.tar;

import dev.roller.repo.model.NameRule;

/**
 * The rules every path and link of a package tree follows, applied when a package is built and
 * again, without trust, when one is extracted. A tree that follows them can be laid into
 * /usr/local without writing or pointing anywhere outside it.
 */
public final class TreeRules {
  /** Longest path accepted in a package. */
  public static final int MAX_PATH = 4096;

  private TreeRules() {}

  /**
   * The path of a tar entry in canonical form (no leading {@code ./}, no trailing {@code /}), or
   * throws naming the rule broken: absolute, {@code ..}, {@code .} or empty segments, too long.
   */
  public static String canonicalPath(String name) {
    String path = name;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (name.startsWith("/")) {
      throw new IllegalArgumentException("absolute path " + NameRule.quote(name) + ": paths in a package are relative");
    }
    if (path.isEmpty() || path.length() > MAX_PATH) {
      throw new IllegalArgumentException("bad path " + NameRule.quote(name) + ": empty or longer than " + MAX_PATH);
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException("path " + NameRule.quote(name) + " contains '..': it would leave the package");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        throw new IllegalArgumentException("bad path " + NameRule.quote(name) + ": empty or '.' segment");
      }
      if (segment.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("bad path " + NameRule.quote(name) + ": NUL character");
      }
    }
    return path;
  }

  /**
   * Checks a symbolic link at {@code linkPath} (canonical) pointing to {@code target}: the target is
   * relative, its {@code ..} segments come only first (so no other link is crossed on the way up)
   * and do not climb above the package's root.
   */
  public static void checkLinkTarget(String linkPath, String target) {
    if (target.isEmpty() || target.startsWith("/")) {
      throw new IllegalArgumentException("symbolic link " + NameRule.quote(linkPath) + " -> " + NameRule.quote(target)
          + " leads outside the package: link targets must be relative");
    }
    int depth = linkPath.split("/").length - 1;
    boolean climbing = true;
    int up = 0;
    for (String segment : target.split("/")) {
      if (segment.equals("..")) {
        if (!climbing) {
          throw new IllegalArgumentException("symbolic link " + NameRule.quote(linkPath) + " -> " + NameRule.quote(target)
              + ": '..' may only start a link target");
        }
        up++;
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        climbing = false;
      }
    }
    if (up > depth) {
      throw new IllegalArgumentException("symbolic link " + NameRule.quote(linkPath) + " -> " + NameRule.quote(target)
          + " leads outside the package");
    }
  }
}
