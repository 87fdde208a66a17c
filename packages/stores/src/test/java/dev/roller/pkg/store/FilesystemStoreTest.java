package dev.roller.pkg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void keepsReportsInShardsAndMovesThoseKeptBeforeShards() throws Exception {
    PackageStore store = store();
    store.putReport("web1.example.com", "result: applied\ncommit: new\n".getBytes());
    assertTrue(Files.exists(scratch.resolve("store").resolve(StoreKeys.report("web1.example.com"))));
    Path reports = scratch.resolve("store/reports");
    // as a server before shards kept them: one of a host with no sharded report, one of a host with a newer one
    Files.writeString(reports.resolve("db1.example.com.yml"), "result: applied\ncommit: old-db\n");
    Files.writeString(reports.resolve("web1.example.com.yml"), "result: applied\ncommit: old-web\n");
    assertEquals(java.util.Set.of("db1.example.com", "web1.example.com"), store.reportTags().keySet());
    assertEquals("result: applied\ncommit: old-db\n", new String(store.report("db1.example.com").orElseThrow()));
    assertEquals("result: applied\ncommit: new\n", new String(store.report("web1.example.com").orElseThrow()),
        "the report received since the old one stays");
    try (var left = Files.list(reports)) {
      assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "nothing is left outside the shards");
    }
  }
}
