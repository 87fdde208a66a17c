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
  void leftoversOfAKilledPutAreNotListed() throws Exception {
    PackageStore store = store();
    Path dir = Files.createDirectories(scratch.resolve("store/packages/hello-web"));
    Files.writeString(dir.resolve(".1.0.0.tar.gz.12345.tmp"), "half a tarball");
    assertEquals(List.of(), store.versions("hello-web"));
  }
}
