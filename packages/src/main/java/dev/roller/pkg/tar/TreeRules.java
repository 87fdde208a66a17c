package dev.roller.pkg.tar;

import dev.roller.repo.model.NameRule;

/**
 * The rules every path and link of a package tree follows, applied when a package is built and
 * again, without trust, when one is extracted. A tree that follows them can be laid into
 * /usr/local without writing or pointing anywhere outside it.
 */
public final class TreeRules {
  /**
   * Longest path accepted in a package, in bytes: a host's PATH_MAX is 4096, and the tree is laid
   * under a prefix ({@code <root>/var/lib/roller/generations/<n>.tmp/}) that needs room too.
   */
  public static final int MAX_PATH = 3072;
  /** Longest name of one file or folder, in bytes (NAME_MAX). */
  public static final int MAX_NAME = 255;
  /** Deepest nesting accepted. */
  public static final int MAX_DEPTH = 64;
  /** Files ending in this are templates: rendered, and laid without the suffix. */
  public static final String TEMPLATE_SUFFIX = ".tmpl";

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
    if (path.isEmpty() || path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH) {
      throw new IllegalArgumentException("bad path " + NameRule.quote(shorten(name)) + ": empty or longer than " + MAX_PATH
          + " bytes");
    }
    String[] segments = path.split("/", -1);
    if (segments.length > MAX_DEPTH) {
      throw new IllegalArgumentException("path " + NameRule.quote(shorten(name)) + " is " + segments.length
          + " levels deep: at most " + MAX_DEPTH);
    }
    for (String segment : segments) {
      if (segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME) {
        throw new IllegalArgumentException("path " + NameRule.quote(shorten(name)) + " has a name longer than " + MAX_NAME
            + " bytes");
      }
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

  private static String shorten(String name) {
    return name.length() > 120 ? name.substring(0, 120) + "..." : name;
  }

  /**
   * The files a package's templates render to, checked as entries come (in any order): a template
   * named just {@code .tmpl} renders to no name, and {@code a.conf.tmpl} beside {@code a.conf}
   * would lay two files at one path. Not thread-safe: one per package.
   */
  public static final class Rendered {
    private final java.util.Set<String> plain = new java.util.HashSet<>();
    private final java.util.Set<String> rendered = new java.util.HashSet<>();

    /** Adds a file (or link) at canonical {@code path}; throws naming it if it clashes. */
    public void add(String path) {
      if (path.endsWith(TEMPLATE_SUFFIX)) {
        String target = path.substring(0, path.length() - TEMPLATE_SUFFIX.length());
        if (target.isEmpty() || target.endsWith("/")) {
          throw new IllegalArgumentException("template " + NameRule.quote(path) + " has no name before "
              + TEMPLATE_SUFFIX + ": it would render to nothing");
        }
        if (plain.contains(target) || !rendered.add(target)) {
          throw new IllegalArgumentException("template " + NameRule.quote(path) + " renders to " + NameRule.quote(target)
              + ", which the package also ships: rename one");
        }
      }
      if (rendered.contains(path)) {
        throw new IllegalArgumentException(NameRule.quote(path) + " is also what the template "
            + NameRule.quote(path + TEMPLATE_SUFFIX) + " renders to: rename one");
      }
      plain.add(path);
    }
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
