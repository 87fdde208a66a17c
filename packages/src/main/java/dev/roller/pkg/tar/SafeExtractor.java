package dev.roller.pkg.tar;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import static java.nio.file.attribute.PosixFilePermissions.asFileAttribute;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.stream.Stream;
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
  private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> REGULAR = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<StandardOpenOption> CREATE_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

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
      EntryValidator validator = new EntryValidator(limits);
      long compressed;
      try (InflatingPipe tarStream = new InflatingPipe(tarball, digest)) {
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, 512, 512, "UTF-8"); // block 512: the padding after the end is checked by drain(), not skipped unseen
        Writer writer = new Writer(temp);
        TarArchiveEntry entry;
        while ((entry = CorruptTarballException.nextEntry(tar)) != null) {
          writer.write(tar, entry, validator.check(entry));
        }
        tarStream.drain();
        compressed = tarStream.compressedBytes();
      } catch (CorruptTarballException e) {
        throw new PackageException("not a valid .tar.gz (" + e.getMessage() + ")", e);
      } catch (IllegalArgumentException e) {
        throw new PackageException("refused: " + e.getMessage(), e);
      }
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
      return new Extracted(destination, actual, compressed, validator.entries(), validator.bytes());
    } finally {
      if (!done) {
        deleteTree(temp);
      }
    }
  }

  /** Writes checked entries under one root, creating each folder once. */
  private static final class Writer {
    private final Path root;
    private final Set<Path> folders = new HashSet<>();
    private final byte[] buffer = new byte[1 << 16];

    Writer(Path root) {
      this.root = root;
      folders.add(root);
    }

    void write(TarArchiveInputStream tar, TarArchiveEntry entry, EntryValidator.Checked checked) throws IOException {
      Path target = root.resolve(checked.path());
      if (checked.kind() == EntryValidator.Kind.DIRECTORY) {
        folder(target);
        return;
      }
      folder(target.getParent());
      switch (checked.kind()) {
        case SYMLINK -> Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        case HARDLINK -> Files.createLink(target, root.resolve(checked.hardLinkTarget()));
        default -> {
          Set<PosixFilePermission> mode = (entry.getMode() & 0100) != 0 ? EXECUTABLE : REGULAR;
          try (OutputStream out = Channels.newOutputStream(Files.newByteChannel(target, CREATE_FILE, asFileAttribute(mode)))) {
            long copied = 0;
            for (int n; (n = CorruptTarballException.read(tar, buffer)) > 0; copied += n) {
              out.write(buffer, 0, n);
            }
            if (copied != entry.getSize()) {
              throw new CorruptTarballException("entry " + NameRule.quote(checked.path()) + " is truncated", null);
            }
          }
          if (!Umask.keeps(mode)) {
            Files.setPosixFilePermissions(target, mode);
          }
        }
      }
    }

    private void folder(Path dir) throws IOException {
      if (folders.add(dir)) {
        Files.createDirectories(dir);
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
