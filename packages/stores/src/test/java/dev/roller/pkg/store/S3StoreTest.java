package dev.roller.pkg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.model.PackageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store contract against a real S3-compatible server (S3Proxy) on 127.0.0.1. */
class S3StoreTest extends PackageStoreContract {
  private S3ProxyServer server;
  private S3Store store;

  @BeforeEach
  void startServer() throws Exception {
    server = S3ProxyServer.start(Files.createDirectories(scratch.resolve("s3")));
    server.createBucket("packages");
    store = S3Store.create(server.settings("packages", "fleet")
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
  }

  @AfterEach
  void stopServer() throws Exception {
    store.close();
    server.close();
  }

  @Override
  protected PackageStore store() {
    return store;
  }

  @Test
  void usesTheDesignedKeyLayoutUnderThePrefix() throws Exception {
    Path file = bytes("a", 100, 1);
    store.put(new PackageRef("hello-web", "1.0.0"), file, sha(file));
    assertTrue(Files.exists(scratch.resolve("s3/packages/fleet/packages/hello-web/1.0.0.tar.gz")),
        "the object's key is <prefix>/packages/<name>/<version>.tar.gz");
  }

  @Test
  void listsMoreThanOnePageOfVersions() throws Exception {
    Path file = bytes("a", 10, 1);
    for (int i = 0; i < 1005; i++) {
      store.put(new PackageRef("many", "1." + i), file, sha(file));
    }
    List<StoredPackage> versions = store.versions("many");
    assertEquals(1005, versions.size());
    assertEquals("1.1004", versions.get(1004).id().version());
  }

  @Test
  void multipartUploadsAreWriteOnceToo() throws Exception {
    int size = (int) S3Store.MULTIPART_THRESHOLD + (1 << 20);
    Path first = bytes("big1", size, 1);
    Path other = bytes("big2", size, 2);
    PackageRef id = new PackageRef("big", "1.0.0");
    assertEquals(PackageStore.PutResult.CREATED, store.put(id, first, sha(first)));
    assertEquals(PackageStore.PutResult.UNCHANGED, store.put(id, first, sha(first)));
    assertThrows(PackageConflictException.class, () -> store.put(id, other, sha(other)));
    assertEquals(sha(first), store.head(id).orElseThrow().sha256());
  }

  @Test
  void aStoppedServerGivesAClearErrorInBoundedTime() throws Exception {
    Path file = bytes("a", 100, 1);
    PackageRef id = new PackageRef("hello-web", "1.0.0");
    store.put(id, file, sha(file));
    server.stop();
    // The bound guards against a hang; the client's own timeouts end the call well inside it.
    IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(IOException.class, () -> store.head(id)));
    assertTrue(e.getMessage().contains("head hello-web-1.0.0 in s3://packages/fleet/"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot reach the S3 endpoint"), e.getMessage());
  }
}
