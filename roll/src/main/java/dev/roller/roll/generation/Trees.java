package dev.roller.roll.generation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Folder-tree chores: deleting a tree without following its links. */
public final class Trees {
  private Trees() {}

  /**
   * Deletes {@code dir} and everything below it; links are removed, never followed. A generation
   * is tens of thousands of files: {@code rm -rf} unlinks them four times faster than a walk from
   * Java, so it goes first, and the walk (which names what it cannot remove) only if it fails.
   */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && removedByRm(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.toList();
    }
    for (Path p : all) {
      // Read-only folders (the store's) would keep their children: make each writable first.
      if (!Files.isSymbolicLink(p) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        p.toFile().setWritable(true, true);
      }
    }
    for (Path p : all.stream().sorted(Comparator.reverseOrder()).toList()) {
      Files.deleteIfExists(p);
    }
  }

  private static boolean removedByRm(Path dir) {
    try {
      Process rm = new ProcessBuilder("rm", "-rf", "--", dir.toAbsolutePath().toString()).redirectErrorStream(true).start();
      rm.getInputStream().readAllBytes();
      return rm.waitFor(10, TimeUnit.MINUTES) && rm.exitValue() == 0 && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

}
