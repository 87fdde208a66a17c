package dev.roller.pkg.store;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.model.VersionOrder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A package store in a local folder (the embedded default): {@code <root>/packages/<name>/<version>.tar.gz}
 * with the sha256 in a {@code .sha256} file beside it.
 *
 * <p>A put writes a hidden temporary file, fsyncs it, and hard-links it to its final name, which
 * fails if the name exists: so a reader sees a whole tarball or none, and of racing writers
 * exactly one wins. The winner then writes the {@code .sha256} file (temp, fsync, rename); if it
 * died first, the next reader recomputes it from the tarball, which never changes.
 */
public final class FilesystemStore implements PackageStore {
  private static final String SHA_SUFFIX = ".sha256";
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> READABLE =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

  private final Path root;

  public FilesystemStore(Path root) {
    this.root = root.toAbsolutePath();
  }

  private Path tarball(PackageRef id) {
    return root.resolve(StoreKeys.tarball(id));
  }

  @Override
  public Optional<StoredPackage> head(PackageRef id) throws IOException {
    Path file = tarball(id);
    try {
      long size = Files.size(file);
      return Optional.of(new StoredPackage(id, sha256(file), size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public InputStream open(PackageRef id) throws IOException, NoSuchPackageException {
    try {
      return Files.newInputStream(tarball(id));
    } catch (NoSuchFileException e) {
      throw new NoSuchPackageException(id, root.toString());
    }
  }

  @Override
  public PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException {
    Path target = tarball(id);
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      MessageDigest digest = Sha256.newDigest();
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest)) {
        Files.copy(tarball, out);
        out.flush();
        channel.force(true);
      }
      Files.setPosixFilePermissions(temp, READABLE);
      Sha256 copied = Sha256.of(digest);
      if (!copied.equals(sha256)) {
        throw new PackageException(tarball + " changed while it was stored: sha256 " + copied + ", expected " + sha256);
      }
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        Sha256 stored = sha256(target);
        if (stored.equals(sha256)) {
          return PutResult.UNCHANGED;
        }
        throw new PackageConflictException(id, stored, sha256);
      }
      writeSha(target, sha256);
      return PutResult.CREATED;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Deletes temporary files that writers killed part-way left behind, when they are older than
   * {@code age} (a younger one may belong to a put still running in another process). They are
   * never listed or served in the meantime. Returns how many were removed.
   */
  public int removeLeftovers(java.time.Duration age) throws IOException {
    Path dir = root.resolve(StoreKeys.PACKAGES);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    java.time.Instant cutoff = java.time.Instant.now().minus(age);
    int removed = 0;
    try (Stream<Path> walk = Files.walk(dir, 2)) {
      for (Path p : walk.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p)
            && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(p);
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * Removes a stored package. Only for a cache, whose entries can be fetched again: in a store of
   * record a name-version is never removed, so it can never come back with other bytes.
   */
  public void evict(PackageRef id) throws IOException {
    Path file = tarball(id);
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + SHA_SUFFIX));
  }

  @Override
  public List<String> names() throws IOException {
    Path dir = root.resolve(StoreKeys.PACKAGES);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(p -> p.getFileName().toString()).filter(NameRule.PACKAGE::matches).sorted().toList();
    }
  }

  @Override
  public List<StoredPackage> versions(String name) throws IOException {
    Path dir = root.resolve(StoreKeys.versionsOf(name));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<StoredPackage> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String version = StoreKeys.versionOf(name, StoreKeys.versionsOf(name) + child.getFileName());
        if (version != null) {
          head(new PackageRef(name, version)).ifPresent(out::add);
        }
      }
    }
    out.sort(Comparator.comparing(p -> p.id().version(), VersionOrder.INSTANCE));
    return out;
  }

  private Sha256 sha256(Path tarball) throws IOException {
    Path shaFile = tarball.resolveSibling(tarball.getFileName() + SHA_SUFFIX);
    try {
      return new Sha256(Files.readString(shaFile, StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException | IllegalArgumentException e) {
      // The writer died before writing it, or it was damaged: the tarball itself is the truth.
      MessageDigest digest = Sha256.newDigest();
      try (InputStream in = Files.newInputStream(tarball)) {
        in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
      }
      Sha256 sha = Sha256.of(digest);
      writeSha(tarball, sha);
      return sha;
    }
  }

  @Override
  public String putReport(String host, byte[] report) throws IOException {
    Path file = root.resolve(StoreKeys.report(host));
    Files.createDirectories(file.getParent());
    Path entry = root.resolve(StoreKeys.historyEntry(host, System.currentTimeMillis()));
    Files.createDirectories(entry.getParent());
    writeAtomically(entry, report);
    return tag(writeAtomically(file, report));
  }

  /** What {@link #reportTags} lists for a report: every put renames a new file in, a new inode whatever the clock says. */
  private static String tag(java.nio.file.attribute.BasicFileAttributes a) {
    return a.fileKey() + "/" + a.lastModifiedTime().toMillis() + "/" + a.size();
  }

  @Override
  public Optional<byte[]> reportIndex(long max) throws IOException {
    Path file = root.resolve(StoreKeys.REPORT_INDEX);
    try {
      long size = Files.size(file);
      if (size > max) {
        throw new IOException(file + " is " + size + " bytes, more than the " + max + " a report index may be");
      }
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void putReportIndex(byte[] index) throws IOException {
    Path file = root.resolve(StoreKeys.REPORT_INDEX);
    Files.createDirectories(file.getParent());
    writeAtomically(file, index);
  }

  @Override
  public List<byte[]> history(String host, int limit) throws IOException {
    List<byte[]> out = new ArrayList<>();
    List<Path> entries = historyEntries(host);
    for (int i = entries.size() - 1; i >= 0 && out.size() < limit; i--) {
      Path entry = entries.get(i);
      try {
        out.add(Files.readAllBytes(entry));
      } catch (NoSuchFileException trimmed) {
        // removed by a trim since the listing
      }
    }
    return out;
  }

  @Override
  public int trimHistory(String host, int keep) throws IOException {
    List<Path> entries = historyEntries(host);
    int removed = 0;
    for (Path entry : entries.subList(0, Math.max(0, entries.size() - keep))) {
      removed += Files.deleteIfExists(entry) ? 1 : 0;
    }
    return removed;
  }

  /** {@code host}'s history, oldest first. */
  private List<Path> historyEntries(String host) throws IOException {
    Path dir = root.resolve(StoreKeys.historyOf(host));
    List<Path> entries = new ArrayList<>();
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return entries;
    }
    try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (StoreKeys.isHistoryEntry(child.getFileName().toString())) {
          entries.add(child);
        }
      }
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return entries;
  }

  @Override
  public Optional<byte[]> report(String host) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(root.resolve(StoreKeys.report(host))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void putPublisher(PackageRef id, String line) throws IOException {
    Path file = tarball(id).resolveSibling(tarball(id).getFileName() + ".published");
    Files.createDirectories(file.getParent());
    try {
      Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (java.nio.file.FileAlreadyExistsException kept) {
      // the first publisher stays
    }
  }

  @Override
  public Optional<String> publisher(PackageRef id) throws IOException {
    try {
      return Optional.of(Files.readString(tarball(id).resolveSibling(tarball(id).getFileName() + ".published")).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Map<String, String> reportTags() throws IOException {
    Path dir = root.resolve(StoreKeys.REPORTS);
    Map<String, String> out = new java.util.HashMap<>();
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    shardUnsharded(dir);
    for (int i = 0; i < StoreKeys.REPORT_SHARDS; i++) {
      Path shard = root.resolve(StoreKeys.reportShard(i));
      if (!Files.isDirectory(shard, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(shard, "*.yml")) {
        for (Path child : children) {
          String host = StoreKeys.reportHost(StoreKeys.reportShard(i) + child.getFileName());
          if (host == null) {
            continue;
          }
          try {
            out.put(host, tag(Files.readAttributes(child, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)));
          } catch (NoSuchFileException gone) {
            // replaced or removed while listing: the next listing has it
          }
        }
      }
    }
    return out;
  }

  /** Moves reports kept before shards ({@code reports/<fqdn>.yml}) to their shards; a newer one there stays. */
  private void shardUnsharded(Path dir) throws IOException {
    try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(dir, "*.yml")) {
      for (Path child : children) {
        String host = StoreKeys.unshardedReportHost(StoreKeys.REPORTS + child.getFileName());
        if (host == null || !Files.isRegularFile(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Path sharded = root.resolve(StoreKeys.report(host));
        Files.createDirectories(sharded.getParent());
        try {
          Files.move(child, sharded);
        } catch (java.nio.file.FileAlreadyExistsException newer) {
          Files.deleteIfExists(child);
        } catch (NoSuchFileException gone) {
          // moved by another lister
        }
      }
    }
  }

  private static void writeSha(Path tarball, Sha256 sha256) throws IOException {
    Path shaFile = tarball.resolveSibling(tarball.getFileName() + SHA_SUFFIX);
    writeAtomically(shaFile, (sha256.hex() + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Temp file, fsync, rename over {@code file}: a reader sees the old bytes or the new, whole.
   * Returns the new file's attributes (a rename keeps them).
   */
  private static java.nio.file.attribute.BasicFileAttributes writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.setPosixFilePermissions(temp, READABLE);
      java.nio.file.attribute.BasicFileAttributes attributes = Files.readAttributes(temp,
          java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return attributes;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
