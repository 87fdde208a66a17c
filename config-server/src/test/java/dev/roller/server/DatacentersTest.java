package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.repo.TestRepo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two config servers (two datacenters), each with its own cache, sharing one S3 bucket. */
class DatacentersTest {
  @TempDir Path dir;

  @Test
  void aPackagePublishedOnOneServerIsServedByTheOtherAndSurvivesAnS3Outage() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3")));
    s3.createBucket("fleet");
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    try (S3Store storeA = S3Store.create(s3.settings("fleet", "roller").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
        S3Store storeB = S3Store.create(s3.settings("fleet", "roller").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
        ServerFixture a = ServerFixture.start(repo, dir.resolve("a"), new CachingStore(storeA, dir.resolve("a/cache")), ServerFixture.TOKEN);
        ServerFixture b = ServerFixture.start(repo, dir.resolve("b"), new CachingStore(storeB, dir.resolve("b/cache")), ServerFixture.TOKEN)) {
      BuiltPackage web = a.build("hello-web", "1.0.0", "web");
      assertEquals(201, a.publish(web, ServerFixture.TOKEN).statusCode());
      assertEquals(201, a.publish(a.build("foreman", "1.0.0", "foreman"), ServerFixture.TOKEN).statusCode());

      // B has never seen it: the spec finds it in the bucket, the tarball is fetched on the miss.
      HttpResponse<String> spec = b.get("/hosts/web1.dc1.example.com/spec");
      assertEquals(200, spec.statusCode(), spec.body());
      assertTrue(spec.body().contains("sha256: " + web.sha256()), spec.body());
      assertArrayEquals(Files.readAllBytes(web.file()), tarball(b, "/packages/hello-web/1.0.0/tarball"));

      // A new commit names a version published on A; B prefetches it when it swaps the commit in.
      BuiltPackage canary = a.build("hello-web", "1.1.0", "canary");
      assertEquals(201, a.publish(canary, ServerFixture.TOKEN).statusCode());
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 1.1.0}\n");
      repo.commit("canary");
      b.app.snapshots().refresh();
      assertTrue(Files.exists(dir.resolve("b/cache/packages/hello-web/1.1.0.tar.gz")), "prefetched");

      // S3 goes away: B keeps answering specs and tarballs from its cache.
      s3.stop();
      HttpResponse<String> during = b.get("/hosts/web1.dc1.example.com/spec");
      assertEquals(200, during.statusCode(), during.body());
      assertTrue(during.body().contains("sha256: " + canary.sha256()), during.body());
      assertArrayEquals(Files.readAllBytes(canary.file()), tarball(b, "/packages/hello-web/1.1.0/tarball"));
      assertTrue(b.get("/metrics").body().contains("roller_store_cache_hits_total"));
    }
  }

  private static byte[] tarball(ServerFixture server, String path) throws Exception {
    HttpResponse<byte[]> r = server.client.send(HttpRequest.newBuilder(URI.create(server.base + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return r.body();
  }
}
