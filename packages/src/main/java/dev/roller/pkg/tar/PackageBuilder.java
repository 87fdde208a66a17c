package dev.roller.pkg.tar;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.ManifestParser;
import dev.roller.repo.model.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds a package tarball from a folder, reproducibly: the same folder gives byte-identical
 * output whatever its files' mtimes, owners, umask-dependent group/other bits or creation order.
 * Entries are sorted by path; every entry has uid/gid 0, no user or group name, and a fixed mtime;
 * modes are normalized (directories and executables 0755, other files 0644, links 0777); the gzip
 * header carries no timestamp (the JDK writes none). Compression runs on its own thread. The tarball is written to a temporary file
 * and renamed into place, so a reader never sees a partial one.
 */
public final class PackageBuilder {
  /** One second past the epoch, as Jib does: some tools treat an mtime of 0 as unset. */
  static final long FIXED_MTIME_MILLIS = 1000;

  private record Item(String path, Path file, Kind kind, String linkTarget, boolean executable, long size) {}

  private enum Kind { DIRECTORY, FILE, SYMLINK }

  private PackageBuilder() {}

  /** Builds {@code dir} into {@code outDir/<name>-<version>.tar.gz}, replacing any tarball there. */
  public static BuiltPackage build(Path dir, Path outDir) throws PackageException, IOException {
    Path manifestFile = dir.resolve(Manifest.PATH);
    if (!Files.isRegularFile(manifestFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new PackageException(dir + ": no " + Manifest.PATH + ": a package folder needs a manifest");
    }
    Manifest manifest = ManifestParser.parse(Files.readAllBytes(manifestFile), dir.resolve(Manifest.PATH).toString());
    List<Item> items = scan(dir);
    Files.createDirectories(outDir);
    Path target = outDir.resolve(manifest.tarballName());
    Path temp = Files.createTempFile(outDir, "." + manifest.tarballName() + ".", ".tmp");
    try {
      MessageDigest digest = Sha256.newDigest();
      long size;
      try (OutputStream file = Files.newOutputStream(temp);
          CountingOutputStream counting = new CountingOutputStream(new BufferedOutputStream(file, 1 << 16));
          DigestOutputStream hashed = new DigestOutputStream(counting, digest)) {
        writeTar(items, hashed);
        hashed.flush();
        size = counting.count();
      }
      Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new BuiltPackage(target, Sha256.of(digest), size, manifest);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeTar(List<Item> items, OutputStream out) throws IOException {
    try (DeflatingSink gzip = new DeflatingSink(out)) {
      writeTar(items, gzip);
      gzip.finish();
    }
  }

  private static void writeTar(List<Item> items, DeflatingSink gzip) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    for (Item item : items) {
      TarArchiveEntry entry = switch (item.kind()) {
        case DIRECTORY -> new TarArchiveEntry(item.path() + "/");
        case FILE -> new TarArchiveEntry(item.path());
        case SYMLINK -> new TarArchiveEntry(item.path(), TarConstants.LF_SYMLINK);
      };
      entry.setIds(0, 0);
      entry.setUserName("");
      entry.setGroupName("");
      entry.setModTime(FIXED_MTIME_MILLIS);
      switch (item.kind()) {
        case DIRECTORY -> entry.setMode(040755);
        case FILE -> {
          entry.setMode(item.executable() ? 0100755 : 0100644);
          entry.setSize(item.size());
        }
        case SYMLINK -> {
          entry.setMode(0120777);
          entry.setLinkName(item.linkTarget());
        }
      }
      tar.putArchiveEntry(entry);
      if (item.kind() == Kind.FILE) {
        try (InputStream in = Files.newInputStream(item.file())) {
          long copied = in.transferTo(tar);
          if (copied != item.size()) {
            throw new IOException(item.file() + " changed while the package was built");
          }
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
  }

  private static List<Item> scan(Path dir) throws IOException, PackageException {
    List<Item> items = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    TreeRules.Rendered rendered = new TreeRules.Rendered();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        if (!d.equals(dir)) {
          add(d, attrs);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        add(file, attrs);
        return FileVisitResult.CONTINUE;
      }

      private void add(Path file, BasicFileAttributes attrs) {
        String path = relative(dir, file);
        try {
          TreeRules.canonicalPath(path);
          if (attrs.isDirectory()) {
            items.add(new Item(path, file, Kind.DIRECTORY, null, false, 0));
          } else if (attrs.isRegularFile()) {
            rendered.add(path);
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            items.add(new Item(path, file, Kind.FILE, null, perms.contains(PosixFilePermission.OWNER_EXECUTE), attrs.size()));
          } else if (attrs.isSymbolicLink()) {
            String target = Files.readSymbolicLink(file).toString();
            TreeRules.checkLinkTarget(path, target);
            rendered.add(path);
            items.add(new Item(path, file, Kind.SYMLINK, target, false, 0));
          } else {
            refused.add(path + ": not a file, folder or symbolic link (devices, fifos and sockets cannot be packaged)");
          }
        } catch (IllegalArgumentException | IOException e) {
          refused.add(path + ": " + e.getMessage());
        }
      }
    });
    if (!refused.isEmpty()) {
      throw new PackageException(dir + ": cannot be packaged:\n  " + String.join("\n  ", refused));
    }
    items.sort(Comparator.comparing(Item::path));
    return items;
  }

  private static String relative(Path root, Path file) {
    StringBuilder path = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }
}
