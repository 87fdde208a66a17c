package dev.roller.roll.apply;

import dev.roller.host.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The spec that failed on this host (its health checks failed and roll rolled back), so the next
 * roll does not switch to it, and restart services, again: it is tried again only when the spec
 * changes or with {@code roll apply --retry} (DESIGN §5). Kept in {@code var/lib/roller/failed}
 * as five lines (digest, commit, time, generation, error), written atomically; a rolled-back
 * generation also carries {@code .roller/rolled-back} with the reason, for {@code roll generations}.
 */
public record FailedSpec(String digest, String commit, String at, int generation, String error) {
  /** The marker a rolled-back generation carries, with why. */
  public static final String MARK = ".roller/rolled-back";

  /** The failed spec recorded in {@code file}, or null (none, or a file that does not read). */
  public static FailedSpec read(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return new FailedSpec(lines.get(0), lines.get(1), lines.get(2), Integer.parseInt(lines.get(3)),
          String.join("\n", lines.subList(4, lines.size())));
    } catch (IOException | RuntimeException e) {
      return null; // none recorded, or a record that does not read: nothing is held back
    }
  }

  /** Records this failure in {@code file} and marks its generation folder {@code dir} (if it still exists). */
  void write(Path file, Path dir) throws IOException {
    AtomicFile.write(file, digest + "\n" + (commit == null ? "-" : commit) + "\n" + at + "\n" + generation + "\n" + error + "\n");
    if (Files.isDirectory(dir.resolve(".roller"))) {
      AtomicFile.write(dir.resolve(MARK), at + " " + error + "\n");
    }
  }

  /** Why generation {@code dir} was rolled back, or null if it was not. */
  public static String rolledBack(Path dir) {
    try {
      return Files.readString(dir.resolve(MARK), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    }
  }

  static void clear(Path file) throws IOException {
    Files.deleteIfExists(file);
  }
}
