package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.roll.verify.FileIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIndexTest {
  @TempDir Path dir;

  @Test
  void anIndexReadsBackAsWrittenWhateverItsPathsHold() throws Exception {
    List<FileIndex.Entry> entries = List.of(
        new FileIndex.Entry(FileIndex.Entry.DIR, "rwxr-xr-x", 0, 0, "-", "bin"),
        new FileIndex.Entry(FileIndex.Entry.FILE, "rwxr-xr-x", 1234, 1_796_000_000_123L, "ab".repeat(32), "bin/hello"),
        new FileIndex.Entry(FileIndex.Entry.LINK, "rwxrwxrwx", 0, 0, "../share/odd\tname", "bin/link"),
        new FileIndex.Entry(FileIndex.Entry.FILE, "rw-r--r--", 0, -1, "cd".repeat(32), "etc/a%b\nc\rd\te"));
    Path file = dir.resolve("index.files");
    FileIndex.write(file, entries);
    assertEquals(entries, FileIndex.read(file));
    assertEquals(List.of(), FileIndex.read(Files.writeString(dir.resolve("empty.files"), "")));
  }

  @Test
  void aDamagedLineIsNamedByFileAndLine() throws Exception {
    Path file = dir.resolve("bad.files");
    for (String bad : List.of("f\trw-r--r--\t1\t2\tdigest", "f\trw-r--r--\t1\t2\tdigest\tpath\textra", "ff\tr\t1\t2\td\tp",
        "f\trw-r--r--\tone\t2\td\tp")) {
      Files.writeString(file, "d\trwxr-xr-x\t0\t0\t-\tbin\n" + bad + "\n");
      IOException e = assertThrows(IOException.class, () -> FileIndex.read(file), bad);
      assertTrue(e.getMessage().equals(file + ":2: not a file index line"), e.getMessage());
    }
  }
}
