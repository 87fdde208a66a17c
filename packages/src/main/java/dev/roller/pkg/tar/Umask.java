package dev.roller.pkg.tar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The process's umask, found once by creating a file with every permission asked for. Lets the
 * extractor create files with their final mode in one call and skip a chmod per file when the
 * umask would not strip any of the bits wanted.
 */
final class Umask {
  private static final Set<PosixFilePermission> STRIPPED = find();

  private Umask() {}

  /** Whether a file created asking for {@code mode} gets exactly {@code mode}. */
  static boolean keeps(Set<PosixFilePermission> mode) {
    for (PosixFilePermission bit : mode) {
      if (STRIPPED.contains(bit)) {
        return false;
      }
    }
    return true;
  }

  private static Set<PosixFilePermission> find() {
    try {
      Path probe = Files.createTempFile("roller-umask", ".probe");
      try {
        Files.delete(probe);
        Files.createFile(probe, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Set<PosixFilePermission> kept = Files.getPosixFilePermissions(probe);
        Set<PosixFilePermission> stripped = java.util.EnumSet.allOf(PosixFilePermission.class);
        stripped.removeAll(kept);
        return stripped;
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException e) {
      // Cannot tell: assume everything may be stripped, so every file gets an explicit chmod.
      return java.util.EnumSet.allOf(PosixFilePermission.class);
    }
  }
}
