package dev.roller.host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Every persistent write on a host goes through here: the bytes go to a temporary sibling with a
 * unique, unpredictable name created exclusively ({@code O_CREAT|O_EXCL}, so nothing planted
 * there is followed or reused), are forced to disk, get their mode, and the temporary file is
 * renamed over the target, then the folder is forced too. A reader, or a machine that loses power,
 * sees the old contents or the new, whole, never a mix; once {@link #write} returns the new
 * contents survive a crash.
 */
public final class AtomicFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFile() {}

  /**
   * Work on the temporary file once its bytes are on disk and its mode set, before it is renamed
   * over the target: set its owner, have a tool check it. Throwing leaves the target as it was.
   */
  @FunctionalInterface
  public interface Prepare {
    void accept(Path temp) throws IOException;
  }

  /** What goes into the file, written to a stream (a download, say, too large to hold in memory). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces {@code file} with {@code bytes}, mode {@code mode} (e.g. {@code rw-r--r--}); creates its folder if needed. */
  public static void write(Path file, byte[] bytes, String mode) throws IOException {
    write(file, bytes, mode, temp -> {});
  }

  /** As above, with {@code prepare} run on the temporary file before the rename. */
  public static void write(Path file, byte[] bytes, String mode, Prepare prepare) throws IOException {
    write(file, out -> out.write(bytes), mode, prepare);
  }

  /** As above, the contents written by {@code content}; {@code prepare} may check them (a digest) and refuse. */
  public static void write(Path file, Content content, String mode, Prepare prepare) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
    Path temp = null;
    try {
      temp = createTemp(dir, file.getFileName().toString());
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(channel);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.setPosixFilePermissions(temp, perms); // the umask narrowed the mode asked at creation
      prepare.accept(temp);
      move(temp, file);
      temp = null;
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** As above, UTF-8 text. */
  public static void write(Path file, String text, String mode) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8), mode);
  }

  /** As above, mode {@code rw-r--r--}. */
  public static void write(Path file, String text) throws IOException {
    write(file, text, "rw-r--r--");
  }

  /**
   * Renames {@code from} over {@code to} atomically (same folder or same filesystem), then forces
   * the folder, so the rename itself survives a crash.
   */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically (another filesystem?)", e);
    }
    forceFolder(to.toAbsolutePath().getParent());
  }

  /** Forces a folder's entries (creations, renames, removals) to disk. */
  public static void forceFolder(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some filesystems cannot open a folder for reading; the rename is as durable as they allow.
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      byte[] random = new byte[8];
      RANDOM.nextBytes(random);
      Path temp = dir.resolve("." + name + "." + HexFormat.of().formatHex(random) + ".tmp");
      try {
        return Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }
}
