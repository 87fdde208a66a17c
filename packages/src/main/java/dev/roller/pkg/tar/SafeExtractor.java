package dev.roller.pkg.tar;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.Sha256;
import dev.roller.repo.model.NameRule;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts a package tarball, streaming, without trusting it. The tarball's sha256 is computed
 * while it is read and checked against the expected one at the end. Refused, naming the entry and
 * the rule: absolute paths, {@code ..}, symbolic links leading outside the tree, hard links to
 * anything but an earlier file, paths through a symbolic link, devices and fifos, setuid/setgid
 * bits, duplicate paths, and trees over {@link Limits}. Executable bits and in-tree links are kept.
 *
 * <p>Atomic: the tree is built in a temporary sibling folder ({@code .<name>.tmp-*}) and renamed
 * to its destination only when complete and verified. After any failure nothing is left; after a
 * killed process only the temporary folder is, which {@link #removeLeftovers} deletes.
 */
public final class SafeExtractor {
  /** Bounds on what one package may unpack to (gzip bombs). */
  public record Limits(long maxBytes, int maxEntries) {
    public static final Limits DEFAULT = new Limits(8L << 30, 1_000_000);
  }

  private static final String TEMP_MARK = ".tmp-";
  private static final int BUFFER = 1 << 16;

  private final Limits limits;

  public SafeExtractor(Limits limits) {
    this.limits = limits;
  }

  /**
   * Extracts {@code tarball} to {@code destination}, which must not exist yet.
   *
   * @param expected the sha256 the tarball must have, or null to accept any (and report it)
   * @throws PackageException if the tarball is refused (nothing is left behind)
   */
  public Extracted extract(InputStream tarball, Sha256 expected, Path destination) throws PackageException, IOException {
    Path parent = destination.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempDirectory(parent, "." + destination.getFileName() + TEMP_MARK);
    boolean done = false;
    try {
      MessageDigest digest = Sha256.newDigest();
      CountingInputStream counted = new CountingInputStream(new BufferedInputStream(tarball, BUFFER));
      DigestInputStream raw = new DigestInputStream(counted, digest);
      Tally tally = new Tally();
      try {
        GZIPInputStream gzip = new GZIPInputStream(raw, BUFFER);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip, "UTF-8");
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          write(tar, entry, temp, tally);
        }
        gzip.transferTo(OutputStream.nullOutputStream());
      } catch (ZipException | java.io.EOFException e) {
        throw new PackageException("not a valid .tar.gz (" + e.getMessage() + ")", e);
      } catch (IllegalArgumentException e) {
        throw new PackageException("refused: " + e.getMessage(), e);
      }
      raw.transferTo(OutputStream.nullOutputStream());
      Sha256 actual = Sha256.of(digest);
      if (expected != null && !expected.equals(actual)) {
        throw new PackageException("sha256 mismatch: expected " + expected + ", got " + actual
            + " (the download is corrupt or the tarball is not the published one)");
      }
      try {
        Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // Another process extracted the same content first; content-addressed, so keep theirs.
        deleteTree(temp);
      }
      done = true;
      return new Extracted(destination, actual, counted.count(), tally.entries, tally.bytes);
    } finally {
      if (!done) {
        deleteTree(temp);
      }
    }
  }

  private static final class Tally {
    final Set<String> paths = new HashSet<>();
    final Set<String> files = new HashSet<>();
    final Set<String> links = new HashSet<>();
    int entries;
    long bytes;
  }

  private void write(TarArchiveInputStream tar, TarArchiveEntry entry, Path root, Tally tally) throws IOException {
    String name = entry.getName();
    String path = TreeRules.canonicalPath(name);
    String at = "entry " + NameRule.quote(path);
    if (++tally.entries > limits.maxEntries()) {
      throw new IllegalArgumentException("more than " + limits.maxEntries() + " entries: the package is too large");
    }
    if (!tally.paths.add(path)) {
      throw new IllegalArgumentException(at + " appears twice");
    }
    if ((entry.getMode() & 06000) != 0) {
      throw new IllegalArgumentException(at + " has the setuid or setgid bit (mode " + Integer.toOctalString(entry.getMode()) + ")");
    }
    checkParents(path, tally, at);
    Path target = root.resolve(path);
    // Dispatch on the type flag itself: commons-compress's isFile() is also true for devices and fifos.
    byte type = entry.getLinkFlag();
    boolean regular = type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG;
    if (type == TarConstants.LF_DIR || (regular && name.endsWith("/"))) {
      Files.createDirectories(target);
      return;
    }
    Files.createDirectories(target.getParent());
    if (type == TarConstants.LF_SYMLINK) {
      TreeRules.checkLinkTarget(path, entry.getLinkName());
      Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
      tally.links.add(path);
    } else if (type == TarConstants.LF_LINK) {
      String linked = TreeRules.canonicalPath(entry.getLinkName());
      if (!tally.files.contains(linked)) {
        throw new IllegalArgumentException(at + " is a hard link to " + NameRule.quote(entry.getLinkName())
            + ", which is not an earlier file of the package");
      }
      Files.createLink(target, root.resolve(linked));
      tally.files.add(path);
    } else if (regular && !entry.isSparse()) {
      tally.bytes += entry.getSize();
      if (tally.bytes > limits.maxBytes()) {
        throw new IllegalArgumentException("the tree is larger than the limit of " + limits.maxBytes() + " bytes (at " + at + ")");
      }
      boolean executable = (entry.getMode() & 0100) != 0;
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long copied = tar.transferTo(out);
        if (copied != entry.getSize()) {
          throw new java.io.EOFException(at + " is truncated");
        }
      }
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
      tally.files.add(path);
    } else {
      throw new IllegalArgumentException(at + " is a " + describe(entry) + ": a package holds only files, folders and links");
    }
  }

  /** Refuses a path that goes through a link of the package: writing there could land anywhere. */
  private static void checkParents(String path, Tally tally, String at) {
    int slash = path.indexOf('/');
    while (slash >= 0) {
      String parent = path.substring(0, slash);
      if (tally.links.contains(parent)) {
        throw new IllegalArgumentException(at + " goes through the symbolic link " + NameRule.quote(parent));
      }
      if (tally.files.contains(parent)) {
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

  /** Deletes what extractions killed part-way left in {@code parent}. */
  public static void removeLeftovers(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> children = Files.list(parent)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (name.startsWith(".") && name.contains(TEMP_MARK)) {
          deleteTree(child);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p)) {
          p.toFile().setWritable(true, true);
        }
        Files.deleteIfExists(p);
      }
    }
  }
}
