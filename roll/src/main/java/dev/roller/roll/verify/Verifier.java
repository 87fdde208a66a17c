package dev.roller.roll.verify;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a generation's tree against the index recorded when it was built ({@code .roller/files}).
 * The quick check (roll's no-op fast path) compares kind, permissions, size and modification time,
 * hashing a file only when those disagree; the full check ({@code roll verify}) hashes every file
 * and also reports paths nobody installed. Each difference names its path.
 */
public final class Verifier {
  /** The generation's own records, never compared. */
  public static final String RECORDS = ".roller";

  private Verifier() {}

  /** Differences between {@code tree} and {@code index}: "modified: path", "missing: path", ... Empty when it matches. */
  public static List<String> check(Path tree, List<FileIndex.Entry> index, boolean full) throws IOException {
    List<String> problems = new ArrayList<>();
    byte[] buffer = new byte[1 << 16];
    for (FileIndex.Entry want : index) {
      Path file = tree.resolve(want.path());
      PosixFileAttributes attrs;
      try {
        attrs = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        problems.add("missing: " + want.path());
        continue;
      }
      char kind = attrs.isSymbolicLink() ? FileIndex.Entry.LINK : attrs.isDirectory() ? FileIndex.Entry.DIR
          : attrs.isRegularFile() ? FileIndex.Entry.FILE : '?';
      if (kind != want.kind()) {
        problems.add("replaced: " + want.path() + " (was " + name(want.kind()) + ", now " + name(kind) + ")");
        continue;
      }
      switch (kind) {
        case FileIndex.Entry.LINK -> {
          String target = Files.readSymbolicLink(file).toString();
          if (!target.equals(want.digest())) {
            problems.add("modified: " + want.path() + " (link to " + target + ", not " + want.digest() + ")");
          }
        }
        case FileIndex.Entry.FILE -> {
          boolean same = attrs.size() == want.size();
          if (same && (full || attrs.lastModifiedTime().toMillis() != want.mtime())) {
            same = FileIndex.hash(file, buffer).equals(want.digest());
          }
          if (!same) {
            problems.add("modified: " + want.path());
          } else if (!PosixFilePermissions.toString(attrs.permissions()).equals(want.mode())) {
            problems.add("mode changed: " + want.path() + " (" + PosixFilePermissions.toString(attrs.permissions())
                + ", not " + want.mode() + ")");
          }
        }
        default -> {
          if (!PosixFilePermissions.toString(attrs.permissions()).equals(want.mode())) {
            problems.add("mode changed: " + want.path() + "/");
          }
        }
      }
    }
    if (full) {
      problems.addAll(added(tree, index));
    }
    return problems;
  }

  /** Paths in {@code tree} the index does not list. */
  private static List<String> added(Path tree, List<FileIndex.Entry> index) throws IOException {
    Set<String> known = new HashSet<>();
    index.forEach(e -> known.add(e.path()));
    List<String> out = new ArrayList<>();
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (dir.equals(tree)) {
          return FileVisitResult.CONTINUE;
        }
        String rel = FileIndex.relative(tree, dir);
        if (rel.equals(RECORDS)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (!known.contains(rel)) {
          out.add("added: " + rel + "/");
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String rel = FileIndex.relative(tree, file);
        if (!known.contains(rel)) {
          out.add("added: " + rel);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    out.sort(null);
    return out;
  }

  private static String name(char kind) {
    return switch (kind) {
      case FileIndex.Entry.FILE -> "a file";
      case FileIndex.Entry.LINK -> "a link";
      case FileIndex.Entry.DIR -> "a folder";
      default -> "something else";
    };
  }
}
