package dev.roller.pkg.tar;

import dev.roller.repo.model.NameRule;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Checks a tarball's entries, in order, against {@link TreeRules} and the limits: what both
 * extraction and inspection apply. Throws {@link IllegalArgumentException} naming the entry and
 * the rule. Not thread-safe: one per tarball.
 */
final class EntryValidator {
  enum Kind { DIRECTORY, FILE, SYMLINK, HARDLINK }

  /** A checked entry: its canonical path, kind, and for links the canonical target of a hard link. */
  record Checked(String path, Kind kind, String hardLinkTarget) {}

  private final SafeExtractor.Limits limits;
  private final Set<String> paths = new HashSet<>();
  private final Set<String> files = new HashSet<>();
  private final Set<String> links = new HashSet<>();
  private final TreeRules.Rendered rendered = new TreeRules.Rendered();
  private int entries;
  private long bytes;

  EntryValidator(SafeExtractor.Limits limits) {
    this.limits = limits;
  }

  Checked check(TarArchiveEntry entry) {
    String name = entry.getName();
    String path = TreeRules.canonicalPath(name);
    String at = "entry " + NameRule.quote(path);
    if (++entries > limits.maxEntries()) {
      throw new IllegalArgumentException("more than " + limits.maxEntries() + " entries: the package is too large");
    }
    if (!paths.add(path)) {
      throw new IllegalArgumentException(at + " appears twice");
    }
    if ((entry.getMode() & 06000) != 0) {
      throw new IllegalArgumentException(at + " has the setuid or setgid bit (mode " + Integer.toOctalString(entry.getMode()) + ")");
    }
    checkParents(path, at);
    // Dispatch on the type flag itself: commons-compress's isFile() is also true for devices and fifos.
    byte type = entry.getLinkFlag();
    boolean regular = type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG;
    if (type == TarConstants.LF_DIR || (regular && name.endsWith("/"))) {
      return new Checked(path, Kind.DIRECTORY, null);
    }
    if (type == TarConstants.LF_SYMLINK) {
      TreeRules.checkLinkTarget(path, entry.getLinkName());
      rendered.add(path);
      links.add(path);
      return new Checked(path, Kind.SYMLINK, null);
    }
    if (type == TarConstants.LF_LINK) {
      String linked = TreeRules.canonicalPath(entry.getLinkName());
      if (!files.contains(linked)) {
        throw new IllegalArgumentException(at + " is a hard link to " + NameRule.quote(entry.getLinkName())
            + ", which is not an earlier file of the package");
      }
      rendered.add(path);
      files.add(path);
      return new Checked(path, Kind.HARDLINK, linked);
    }
    if (regular && !entry.isSparse()) {
      bytes += entry.getSize();
      if (bytes > limits.maxBytes()) {
        throw new IllegalArgumentException("the tree is larger than the limit of " + limits.maxBytes() + " bytes (at " + at + ")");
      }
      rendered.add(path);
      files.add(path);
      return new Checked(path, Kind.FILE, null);
    }
    throw new IllegalArgumentException(at + " is a " + describe(entry) + ": a package holds only files, folders and links");
  }

  int entries() {
    return entries;
  }

  long bytes() {
    return bytes;
  }

  /** Refuses a path that goes through a link or a file of the package: writing there could land anywhere. */
  private void checkParents(String path, String at) {
    int slash = path.indexOf('/');
    while (slash >= 0) {
      String parent = path.substring(0, slash);
      if (links.contains(parent)) {
        throw new IllegalArgumentException(at + " goes through the symbolic link " + NameRule.quote(parent));
      }
      if (files.contains(parent)) {
        throw new IllegalArgumentException(at + " is inside " + NameRule.quote(parent) + ", which is a file");
      }
      slash = path.indexOf('/', slash + 1);
    }
  }

  private static String describe(TarArchiveEntry entry) {
    if (entry.isCharacterDevice() || entry.isBlockDevice()) {
      return "device";
    }
    if (entry.isFIFO()) {
      return "fifo";
    }
    if (entry.isSparse()) {
      return "sparse file";
    }
    return "entry of unsupported type '" + (char) entry.getLinkFlag() + "'";
  }
}
