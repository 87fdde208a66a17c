package dev.roller.roll.generation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder-tree chores: deleting a tree without following its links. */
final class Trees {
  private Trees() {}

  /** Deletes {@code dir} and everything below it; links are removed, never followed. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) {
          p.toFile().setWritable(true, true);
        }
        Files.deleteIfExists(p);
      }
    }
  }
}
