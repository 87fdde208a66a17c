package dev.roller.roll.apply;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * The time stamps and the process id in roll's log, lock and records, made without {@code
 * java.time}'s formatters or {@code ProcessHandle}: setting those up costs more than the whole of
 * a no-op roll's own work (docs/performance.md). Thread-safe.
 */
public final class Stamps {
  private static long pid;

  private Stamps() {}

  /** Now, in UTC, as ISO 8601 with milliseconds: {@code 2026-12-01T21:58:12.041Z}. */
  public static String now() {
    return utc(System.currentTimeMillis());
  }

  /** {@code millis} since the epoch, in UTC, as ISO 8601 with milliseconds (what {@code Instant.parse} reads). */
  public static String utc(long millis) {
    long seconds = Math.floorDiv(millis, 1000);
    int second = (int) Math.floorMod(seconds, 86_400);
    int milli = (int) Math.floorMod(millis, 1000);
    StringBuilder out = new StringBuilder(24).append(LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400))).append('T');
    two(out, second / 3600).append(':');
    two(out, second / 60 % 60).append(':');
    two(out, second % 60).append('.');
    if (milli < 100) {
      out.append('0');
    }
    if (milli < 10) {
      out.append('0');
    }
    return out.append(milli).append('Z').toString();
  }

  /** This process's id: from {@code /proc/self} where there is one, else from {@code ProcessHandle}. */
  public static synchronized long pid() {
    if (pid == 0) {
      try {
        pid = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
      } catch (IOException | RuntimeException e) {
        pid = ProcessHandle.current().pid();
      }
    }
    return pid;
  }

  private static StringBuilder two(StringBuilder out, int n) {
    return out.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
  }
}
