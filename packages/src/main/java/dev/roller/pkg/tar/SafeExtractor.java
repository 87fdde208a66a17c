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
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

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
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> EXECUTABLE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> REGULAR =
      PosixFilePermissions.fromString("rw-r--r--");

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
      EntryValidator validator = new EntryValidator(limits);
      try {
        GZIPInputStream gzip = new GZIPInputStream(raw, BUFFER);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip, "UTF-8");
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          write(tar, entry, temp, validator);
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
      return new Extracted(destination, actual, counted.count(), validator.entries(), validator.bytes());
    } finally {
      if (!done) {
        deleteTree(temp);
      }
    }
  }

  private static void write(TarArchiveInputStream tar, TarArchiveEntry entry, Path root, EntryValidator validator)
      throws IOException {
    EntryValidator.Checked checked = validator.check(entry);
    Path target = root.resolve(checked.path());
    if (checked.kind() == EntryValidator.Kind.DIRECTORY) {
      Files.createDirectories(target);
      return;
    }
    Files.createDirectories(target.getParent());
    switch (checked.kind()) {
      case SYMLINK -> Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
      case HARDLINK -> Files.createLink(target, root.resolve(checked.hardLinkTarget()));
      default -> {
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          if (tar.transferTo(out) != entry.getSize()) {
            throw new java.io.EOFException("entry " + NameRule.quote(checked.path()) + " is truncated");
          }
        }
        boolean executable = (entry.getMode() & 0100) != 0;
        Files.setPosixFilePermissions(target, executable ? EXECUTABLE : REGULAR);
      }
    }
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
