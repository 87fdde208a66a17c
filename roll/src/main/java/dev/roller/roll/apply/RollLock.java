package dev.roller.roll.apply;

import dev.roller.roll.RollException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One roll at a time: an exclusive lock on {@code var/lib/roller/lock} (released by the kernel when
 * the holder exits, however it exits), which also says who holds it (pid, command, since when). A
 * second roll waits for it, saying who holds it, up to a bound, then gives up naming the holder.
 */
public final class RollLock implements AutoCloseable {
  private static final long PAUSE_MS = 100;

  private final FileChannel channel;
  private final FileLock lock;

  private RollLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock at {@code file} for {@code what}, waiting at most {@code wait}; {@code waiting} hears once who holds it. */
  public static RollLock acquire(Path file, String what, Duration wait, Consumer<String> waiting) throws RollException {
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + nanos(wait);
      boolean told = false;
      while (true) {
        FileLock lock = tryLock(channel);
        if (lock != null) {
          String holder = "pid " + Stamps.pid() + ", roll " + what + ", since " + Stamps.now() + "\n";
          channel.truncate(0);
          channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
          RollLock taken = new RollLock(channel, lock);
          channel = null;
          return taken;
        }
        String holder = holder(file);
        if (System.nanoTime() - deadline >= 0) {
          throw new RollException("another roll is running (" + holder + "; lock " + file + "); waited "
              + wait.toSeconds() + " s, giving up (use --lock-wait to wait longer)");
        }
        if (!told) {
          waiting.accept("waiting for another roll to finish (" + holder + ")");
          told = true;
        }
        Thread.sleep(PAUSE_MS);
      }
    } catch (IOException e) {
      throw new RollException("cannot take the lock " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RollException("interrupted while waiting for the lock " + file, e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing held
        }
      }
    }
  }

  /** {@code wait} in nanoseconds, at most a century (so the deadline cannot overflow). */
  private static long nanos(Duration wait) {
    return wait.compareTo(Duration.ofDays(36_500)) > 0 ? Duration.ofDays(36_500).toNanos() : Math.max(0, wait.toNanos());
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this very process (another roll in the same JVM)
    }
  }

  private static String holder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "holder unknown" : text;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
