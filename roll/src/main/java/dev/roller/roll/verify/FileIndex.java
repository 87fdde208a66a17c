package dev.roller.roll.verify;

import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a tree holds, path by path: kind, permissions, size, modification time and, for a file, the
 * sha256 of its content (for a link, its target). Written once per package when it is unpacked
 * into the store ({@code store/<sha256>.files}) and once per generation ({@code .roller/files}), so
 * {@code roll verify} can tell a hand edit from what roll laid down.
 *
 * <p>One line per entry, tab-separated, sorted by path: {@code kind mode size mtime digest path},
 * with {@code %}, tab and newlines in paths percent-escaped.
 */
public final class FileIndex {
  /** One path of a tree. {@code digest} is the content's sha256 for a file, the target for a link, "-" for a folder. */
  public record Entry(char kind, String mode, long size, long mtime, String digest, String path) {
    public static final char FILE = 'f';
    public static final char LINK = 'l';
    public static final char DIR = 'd';
  }

  private FileIndex() {}

  /** Indexes the tree at {@code root}, hashing every file; folders named in {@code skip} (top level) are left out. */
  public static List<Entry> of(Path root, Collection<String> skip) throws IOException {
    List<Entry> out = new ArrayList<>();
    byte[] buffer = new byte[1 << 16];
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (dir.equals(root)) {
          return FileVisitResult.CONTINUE;
        }
        String rel = relative(root, dir);
        if (skip.contains(rel)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        out.add(entryOf(dir, rel, buffer));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        out.add(entryOf(file, relative(root, file), buffer));
        return FileVisitResult.CONTINUE;
      }
    });
    out.sort((a, b) -> a.path().compareTo(b.path()));
    return out;
  }

  /** The entry for one path, hashing a file's content. */
  public static Entry entryOf(Path file, String rel, byte[] buffer) throws IOException {
    PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String mode = PosixFilePermissions.toString(attrs.permissions());
    long mtime = attrs.lastModifiedTime().toMillis();
    if (attrs.isSymbolicLink()) {
      return new Entry(Entry.LINK, mode, 0, 0, Files.readSymbolicLink(file).toString(), rel);
    }
    if (attrs.isDirectory()) {
      return new Entry(Entry.DIR, mode, 0, 0, "-", rel);
    }
    return new Entry(Entry.FILE, mode, attrs.size(), mtime, hash(file, buffer), rel);
  }

  /** The sha256 of a file's content, hex. */
  public static String hash(Path file, byte[] buffer) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return Sha256.of(digest).hex();
  }

  /** Writes {@code entries} to {@code file} through {@link dev.roller.host.AtomicFile} (whole and durable, or not at all). */
  public static void write(Path file, List<Entry> entries) throws IOException {
    StringBuilder out = new StringBuilder(entries.size() * 96);
    for (Entry e : entries) {
      out.append(e.kind()).append('\t').append(e.mode()).append('\t').append(e.size()).append('\t')
          .append(e.mtime()).append('\t').append(escape(e.digest())).append('\t').append(escape(e.path()))
          .append('\n');
    }
    dev.roller.host.AtomicFile.write(file, out.toString());
  }

  /**
   * Reads an index written by {@link #write}. Read by hand from the file's bytes: this is most of
   * what a no-op roll reads, and a reader and a split per line cost it milliseconds.
   */
  public static List<Entry> read(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    List<Entry> out = new ArrayList<>();
    int[] tabs = new int[5];
    int number = 0;
    for (int start = 0; start < text.length(); ) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      number++;
      int found = 0;
      for (int i = start; i < end && found <= 5; i++) {
        if (text.charAt(i) == '\t') {
          if (found == 5) {
            found++;
            break;
          }
          tabs[found++] = i;
        }
      }
      if (found != 5 || tabs[0] != start + 1) {
        throw new IOException(file + ":" + number + ": not a file index line");
      }
      try {
        out.add(new Entry(text.charAt(start), text.substring(tabs[0] + 1, tabs[1]),
            Long.parseLong(text, tabs[1] + 1, tabs[2], 10), Long.parseLong(text, tabs[2] + 1, tabs[3], 10),
            unescape(text.substring(tabs[3] + 1, tabs[4])), unescape(text.substring(tabs[4] + 1, end))));
      } catch (NumberFormatException e) {
        throw new IOException(file + ":" + number + ": not a file index line", e);
      }
      start = end + 1;
    }
    return out;
  }

  /** {@code file}'s path below {@code root}, with {@code /} between names (Roller runs where that is the separator). */
  static String relative(Path root, Path file) {
    return root.relativize(file).toString();
  }

  private static String escape(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D");
  }

  private static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    return s.replace("%09", "\t").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%");
  }
}
