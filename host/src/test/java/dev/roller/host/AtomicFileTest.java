package dev.roller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  @Test
  void replacesTheFileWithItsModeAndLeavesNoTemporaryFileBehind() throws Exception {
    Path file = dir.resolve("sub/state.yml");
    AtomicFile.write(file, "one\n", "rw-------");
    AtomicFile.write(file, "two\n", "rw-r-----");
    assertEquals("two\n", Files.readString(file));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void aLinkPlantedAtTheTargetIsReplacedNotFollowed() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside"), "keep\n");
    Path file = dir.resolve("target");
    Files.createSymbolicLink(file, outside);
    AtomicFile.write(file, "new\n");
    assertEquals("keep\n", Files.readString(outside));
    assertEquals("new\n", Files.readString(file));
    assertEquals(false, Files.isSymbolicLink(file));
  }
}
