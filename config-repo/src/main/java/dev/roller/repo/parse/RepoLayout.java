package dev.roller.repo.parse;

import dev.roller.repo.model.NameRule;
import dev.roller.repo.source.RepoEntry;

/**
 * The one class that knows the config repo's layout: four folders of fixed depth, one {@code
 * <name>.yml} file per object (DESIGN §2). Classifies each path of a tree.
 */
public final class RepoLayout {
  private RepoLayout() {}

  public enum Kind {
    DATACENTER("datacenters", NameRule.DATACENTER),
    HOSTCLASS("hostclasses", NameRule.HOSTCLASS),
    HOST("hosts", NameRule.HOST),
    USER("users", NameRule.LOGIN);

    public final String folder;
    public final NameRule rule;

    Kind(String folder, NameRule rule) {
      this.folder = folder;
      this.rule = rule;
    }

    /** The path of the object named {@code name}. */
    public String path(String name) {
      return folder + "/" + name + ".yml";
    }

    static Kind ofFolder(String folder) {
      for (Kind kind : values()) {
        if (kind.folder.equals(folder)) {
          return kind;
        }
      }
      return null;
    }
  }

  public static final String SUFFIX = ".yml";

  /** What a path is: an object file, a file to ignore, or a problem (message and the folder it concerns). */
  public sealed interface Place {}

  public record ObjectFile(Kind kind, String name) implements Place {}

  public record Ignored() implements Place {}

  /** {@code scope} is what to report once (a folder), or the path itself. */
  public record Misplaced(String scope, String message) implements Place {}

  public static Place classify(RepoEntry entry) {
    String path = entry.path();
    int slash = path.indexOf('/');
    if (slash < 0) {
      // Top-level files (README.md, .gitignore...) are not part of the model; but one of the four
      // folders committed as a link or a file would read as an empty folder (foreman would then
      // lock every account), so it is refused.
      if (Kind.ofFolder(path) != null) {
        return new Misplaced(path, NameRule.quote(path) + " must be a folder, not a "
            + (entry.type() == RepoEntry.Type.SYMLINK ? "symbolic link" : "file") + " (links are never followed)");
      }
      return entry.type() == RepoEntry.Type.SUBMODULE
          ? new Misplaced(path, "unexpected submodule " + NameRule.quote(path) + " at the top of the repo")
          : new Ignored();
    }
    String top = path.substring(0, slash);
    Kind kind = Kind.ofFolder(top);
    if (kind == null) {
      return new Misplaced(top + "/", "unexpected top-level folder " + NameRule.quote(top + "/")
          + ": a config repo holds only datacenters/, hostclasses/, hosts/ and users/");
    }
    String rest = path.substring(slash + 1);
    int nested = rest.indexOf('/');
    if (nested >= 0) {
      String folder = top + "/" + rest.substring(0, nested) + "/";
      return new Misplaced(folder, "nested folder " + NameRule.quote(folder) + ": " + top
          + "/ holds only files (the repo has a fixed depth)");
    }
    if (rest.equals(".gitkeep")) {
      return new Ignored();
    }
    switch (entry.type()) {
      case SYMLINK:
        return new Misplaced(path, "symbolic link: config files must be plain files");
      case SUBMODULE:
        return new Misplaced(path, "not a plain file: config files must be plain files");
      case TOO_LARGE:
        return new Misplaced(path, "file of " + entry.size() + " bytes is larger than the limit of "
            + dev.roller.repo.source.RepoTree.MAX_FILE_BYTES + " bytes");
      default:
        break;
    }
    if (!rest.endsWith(SUFFIX)) {
      return new Misplaced(path, "not a .yml file: " + top + "/ holds one <" + kind.rule.noun() + ">.yml file per "
          + kind.name().toLowerCase(java.util.Locale.ROOT));
    }
    String name = rest.substring(0, rest.length() - SUFFIX.length());
    String problem = kind.rule.problem(name);
    if (problem != null) {
      return new Misplaced(path, "file name: " + problem);
    }
    return new ObjectFile(kind, name);
  }
}
