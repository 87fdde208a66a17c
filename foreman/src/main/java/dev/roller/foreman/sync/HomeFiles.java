package dev.roller.foreman.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Root's writes into a home directory its owner controls. Everything goes through a {@link
 * SecureDirectoryStream} opened on the home (and on {@code .ssh} inside it), relative to the open
 * folder and never following a link: the owner can plant or swap links anywhere in the home and
 * root still writes only the file it means to, there. A file is written to a temporary name made
 * at random and created exclusively, forced to disk, given its owner and mode, then renamed over
 * the target (a link there is replaced, not followed). A home or {@code .ssh} that is a link, or
 * not the account's own, is refused.
 */
final class HomeFiles implements AutoCloseable {
  private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
      LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Files foreman writes into homes are small; a larger one found there is simply rewritten. */
  private static final int MAX_COMPARED = 1 << 20;

  private final SecureDirectoryStream<Path> parent;
  private final SecureDirectoryStream<Path> home;
  private final Path where;
  private final int uid;
  private final int gid;

  private HomeFiles(SecureDirectoryStream<Path> parent, SecureDirectoryStream<Path> home, Path where, int uid, int gid) {
    this.parent = parent;
    this.home = home;
    this.where = where;
    this.uid = uid;
    this.gid = gid;
  }

  /** Opens {@code home}, which must be a real folder (not a link) owned by {@code uid}. */
  static HomeFiles open(Path home, int uid, int gid) throws IOException {
    Path dir = home.toAbsolutePath().normalize();
    SecureDirectoryStream<Path> parent = secure(Files.newDirectoryStream(dir.getParent()), dir.getParent());
    try {
      SecureDirectoryStream<Path> opened = openDir(parent, dir.getFileName(), dir);
      HomeFiles files = new HomeFiles(parent, opened, dir, uid, gid);
      files.requireOwner(opened, dir);
      return files;
    } catch (IOException | RuntimeException e) {
      parent.close();
      throw e;
    }
  }

  /**
   * What {@code name} in the home (or in {@code .ssh} when {@code ssh}) is now, read without
   * following a link: null when it is absent; its text is null when it is not a plain file small
   * enough to compare. Throws when the folder cannot be opened safely (a link, another owner).
   */
  SyncPlan.Existing look(boolean ssh, String name) throws IOException {
    try (Dir dir = dir(ssh, false)) {
      if (dir == null) {
        return null;
      }
      PosixFileAttributes attrs = attributes(dir, name);
      if (attrs == null) {
        return null;
      }
      return new SyncPlan.Existing(read(dir, name, attrs), PosixFilePermissions.toString(attrs.permissions()),
          uidOf(attrs, dir.path.resolve(name)), null);
    }
  }

  private static PosixFileAttributes attributes(Dir dir, String name) throws IOException {
    try {
      return dir.stream.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The text of a plain file of at most {@link #MAX_COMPARED} bytes, read without following a link; else null. */
  private static String read(Dir dir, String name, PosixFileAttributes attrs) throws IOException {
    if (!attrs.isRegularFile() || attrs.size() > MAX_COMPARED) {
      return null;
    }
    try (SeekableByteChannel in = dir.stream.newByteChannel(Path.of(name), READ)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) attrs.size() + 1);
      while (buffer.hasRemaining() && in.read(buffer) > 0) {
        // read to the end
      }
      if (!buffer.hasRemaining()) {
        return null; // it grew while being read: not what we looked at
      }
      buffer.flip();
      return StandardCharsets.UTF_8.decode(buffer).toString();
    } catch (java.nio.file.FileSystemException e) {
      return null; // swapped for a link meanwhile: O_NOFOLLOW refused it
    }
  }

  /** Writes {@code text} to {@code name} in the home (or in {@code .ssh}, made 0700 if missing), owned by the account. */
  void write(boolean ssh, String name, String text, String mode) throws IOException {
    try (Dir dir = dir(ssh, true)) {
      Path temp = null;
      try {
        temp = tempName(name);
        try (SeekableByteChannel out = dir.stream.newByteChannel(temp, CREATE,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
          ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
          if (out instanceof FileChannel channel) {
            channel.force(true);
          }
        }
        PosixFileAttributeView view = dir.stream.getFileAttributeView(temp, PosixFileAttributeView.class,
            LinkOption.NOFOLLOW_LINKS);
        view.setGroup(group(gid));
        view.setOwner(user(uid));
        view.setPermissions(PosixFilePermissions.fromString(mode));
        dir.stream.move(temp, dir.stream, Path.of(name));
        temp = null;
      } finally {
        if (temp != null) {
          try {
            dir.stream.deleteFile(temp);
          } catch (IOException ignored) {
            // the failure that brought us here is the one to report
          }
        }
      }
    }
  }

  /** Removes {@code name} from the home (or {@code .ssh}) if it is there; a link is removed, never followed. Returns whether it was. */
  boolean delete(boolean ssh, String name) throws IOException {
    try (Dir dir = dir(ssh, false)) {
      if (dir == null) {
        return false;
      }
      try {
        dir.stream.deleteFile(Path.of(name));
        return true;
      } catch (NoSuchFileException e) {
        return false;
      }
    }
  }

  /** The home, or its {@code .ssh} opened without following a link (made if {@code create}); null if absent and not made. */
  private Dir dir(boolean ssh, boolean create) throws IOException {
    if (!ssh) {
      return new Dir(home, where, false);
    }
    Path ssh0 = where.resolve(".ssh");
    SecureDirectoryStream<Path> opened;
    try {
      opened = openDir(home, Path.of(".ssh"), ssh0);
    } catch (NoSuchFileException e) {
      if (!create) {
        return null;
      }
      try {
        // mkdir does not follow a link planted at the name: it fails, and the open below refuses it.
        Files.createDirectory(ssh0, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException raced) {
        // something appeared there meanwhile: opened and checked below like anything else
      }
      opened = openDir(home, Path.of(".ssh"), ssh0);
      PosixFileAttributeView view = opened.getFileAttributeView(PosixFileAttributeView.class);
      int owner = uidOf(view.readAttributes(), ssh0);
      if (owner == 0 || owner == uid) { // the one just made (root's), or the account's own
        view.setGroup(group(gid));
        view.setOwner(user(uid));
        view.setPermissions(PosixFilePermissions.fromString("rwx------"));
      }
    }
    try {
      requireOwner(opened, ssh0);
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    return new Dir(opened, ssh0, true);
  }

  private void requireOwner(SecureDirectoryStream<Path> dir, Path path) throws IOException {
    int owner = uidOf(dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes(), path);
    if (owner != uid) {
      throw new IOException(path + " is owned by uid " + owner + ", not the account's uid " + uid + ": not writing into it");
    }
  }

  /**
   * The uid owning what {@code attrs} describes (read from an open folder). The JDK gives owners
   * only as names, which depend on this system's account files, so the uid is read by path and
   * trusted only if the path still leads to that same file ({@code fileKey}: device and inode);
   * else -1.
   */
  private static int uidOf(PosixFileAttributes attrs, Path path) throws IOException {
    java.util.Map<String, Object> byPath = Files.readAttributes(path, "unix:uid,fileKey", LinkOption.NOFOLLOW_LINKS);
    return attrs.fileKey() != null && attrs.fileKey().equals(byPath.get("fileKey")) ? (Integer) byPath.get("uid") : -1;
  }

  private static SecureDirectoryStream<Path> openDir(SecureDirectoryStream<Path> in, Path name, Path path) throws IOException {
    try {
      return secure(in.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS), path);
    } catch (java.nio.file.FileSystemException e) {
      if (e instanceof NoSuchFileException) {
        throw e;
      }
      throw new IOException(path + " is a symbolic link or not a folder: not writing through it (" + e.getReason() + ")");
    }
  }

  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream, Path path) throws IOException {
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    stream.close();
    throw new IOException("this system cannot open " + path + " safely (no SecureDirectoryStream): not writing into homes");
  }

  /** A temporary name no one can guess; {@code CREATE_NEW} then makes it ours alone (a name planted there fails the write). */
  private static Path tempName(String name) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return Path.of("." + name + "." + HexFormat.of().formatHex(random) + ".foreman.tmp");
  }

  private static UserPrincipal user(int uid) throws IOException {
    // A number the system does not know as a name is taken as the uid itself.
    return lookup().lookupPrincipalByName(Integer.toString(uid));
  }

  private static GroupPrincipal group(int gid) throws IOException {
    return lookup().lookupPrincipalByGroupName(Integer.toString(gid));
  }

  private static UserPrincipalLookupService lookup() {
    return FileSystems.getDefault().getUserPrincipalLookupService();
  }

  @Override
  public void close() throws IOException {
    try {
      home.close();
    } finally {
      parent.close();
    }
  }

  /** An open folder: the home (kept open) or its {@code .ssh} (closed with this). */
  private record Dir(SecureDirectoryStream<Path> stream, Path path, boolean own) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (own) {
        stream.close();
      }
    }
  }
}
