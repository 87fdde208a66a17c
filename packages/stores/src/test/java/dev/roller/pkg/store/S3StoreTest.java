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
  void keepsReportsInShardsAndMovesThoseKeptBeforeShards() throws Exception {
    store.putReport("web1.example.com", "result: applied\ncommit: new\n".getBytes());
    String key = StoreKeys.report("web1.example.com");
    assertTrue(key.matches("reports/[0-9a-f]{2}/web1\\.example\\.com\\.yml"), key);
    assertTrue(Files.exists(scratch.resolve("s3/packages/fleet/" + key)), "the object's key is <prefix>/" + key);
    try (software.amazon.awssdk.services.s3.S3Client raw = rawClient()) {
      // as a server before shards kept them: one of a host with no sharded report, one of a host with a newer one
      raw.putObject(b -> b.bucket("packages").key("fleet/reports/db1.example.com.yml"),
          software.amazon.awssdk.core.sync.RequestBody.fromString("result: applied\ncommit: old-db\n"));
      raw.putObject(b -> b.bucket("packages").key("fleet/reports/web1.example.com.yml"),
          software.amazon.awssdk.core.sync.RequestBody.fromString("result: applied\ncommit: old-web\n"));
      assertEquals(java.util.Set.of("db1.example.com", "web1.example.com"), store.reportTags().keySet());
      assertEquals("result: applied\ncommit: old-db\n", new String(store.report("db1.example.com").orElseThrow()));
      assertEquals("result: applied\ncommit: new\n", new String(store.report("web1.example.com").orElseThrow()),
          "the report received since the old one stays");
      assertEquals(List.of(), raw.listObjectsV2(b -> b.bucket("packages").prefix("fleet/reports/").delimiter("/")).contents(),
          "nothing is left outside the shards");
    }
  }

  private software.amazon.awssdk.services.s3.S3Client rawClient() {
    return software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
        .build();
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
