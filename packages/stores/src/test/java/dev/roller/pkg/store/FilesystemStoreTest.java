package dev.roller.pkg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.repo.model.PackageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilesystemStoreTest extends PackageStoreContract {
  @Override
  protected PackageStore store() {
    return new FilesystemStore(scratch.resolve("store"));
  }

  @Test
  void aLostShaFileIsRecomputedFromTheTarball() throws Exception {
    PackageStore store = store();
    Path file = bytes("a", 1000, 1);
    PackageRef id = new PackageRef("hello-web", "1.0.0");
    store.put(id, file, sha(file));
    Files.delete(scratch.resolve("store/packages/hello-web/1.0.0.tar.gz.sha256"));
    assertEquals(sha(file), store.head(id).orElseThrow().sha256());
    assertEquals(sha(file).hex() + "\n", Files.readString(scratch.resolve("store/packages/hello-web/1.0.0.tar.gz.sha256")));
  }

  @Test
  void leftoversOfAKilledPutAreNeverListedAndStaleOnesAreRemoved() throws Exception {
    FilesystemStore store = new FilesystemStore(scratch.resolve("store"));
    Path dir = Files.createDirectories(scratch.resolve("store/packages/hello-web"));
    Path stale = Files.writeString(dir.resolve(".1.0.0.tar.gz.12345.tmp"), "half a tarball");
    Path fresh = Files.writeString(dir.resolve(".1.0.1.tar.gz.67890.tmp"), "a put still running");
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));
    assertEquals(List.of(), store.versions("hello-web"));
    assertEquals(1, store.removeLeftovers(java.time.Duration.ofHours(1)));
    assertEquals(false, Files.exists(stale));
    assertEquals(true, Files.exists(fresh));
  }
}
