package dev.roller.pkg.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache in front of a real S3 server (S3Proxy): contract, single fetch, corruption, outage. */
class CachingStoreTest extends PackageStoreContract {
  private S3ProxyServer server;
  private S3Store s3;
  private CountingStore remote;

  /** Counts the downloads and heads it passes through to the real S3 store. */
  static final class CountingStore implements PackageStore {
    final PackageStore inner;
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger heads = new AtomicInteger();

    CountingStore(PackageStore inner) {
      this.inner = inner;
    }

    @Override
    public Optional<StoredPackage> head(PackageRef id) throws IOException {
      heads.incrementAndGet();
      return inner.head(id);
    }

    @Override
    public InputStream open(PackageRef id) throws IOException, NoSuchPackageException {
      opens.incrementAndGet();
      return inner.open(id);
    }

    @Override
    public PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException {
      return inner.put(id, tarball, sha256);
    }

    @Override
    public List<String> names() throws IOException {
      return inner.names();
    }

    @Override
    public List<StoredPackage> versions(String name) throws IOException {
      return inner.versions(name);
    }

    @Override
    public String putReport(String host, byte[] report) throws IOException {
      return inner.putReport(host, report);
    }

    @Override
    public Optional<byte[]> report(String host) throws IOException {
      return inner.report(host);
    }

    @Override
    public java.util.Map<String, String> reportTags() throws IOException {
      return inner.reportTags();
    }

    @Override
    public List<byte[]> history(String host, int limit) throws IOException {
      return inner.history(host, limit);
    }

    @Override
    public int trimHistory(String host, int keep) throws IOException {
      return inner.trimHistory(host, keep);
    }

    @Override
    public void putPublisher(PackageRef id, String line) throws IOException {
      inner.putPublisher(id, line);
    }

    @Override
    public Optional<String> publisher(PackageRef id) throws IOException {
      return inner.publisher(id);
    }
  }

  @BeforeEach
  void startServer() throws Exception {
    server = S3ProxyServer.start(Files.createDirectories(scratch.resolve("s3")));
    server.createBucket("packages");
    s3 = S3Store.create(server.settings("packages", "").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
    remote = new CountingStore(s3);
  }

  @AfterEach
  void stopServer() throws Exception {
    s3.close();
    server.close();
  }

  @Override
  protected PackageStore store() {
    return new CachingStore(remote, scratch.resolve("cache"));
  }

  private static final PackageRef WEB = new PackageRef("hello-web", "1.0.0");

  /** Publishes through another server's cache, as a second datacenter would. */
  private Path publishElsewhere() throws Exception {
    Path file = bytes("pkg", 200_000, 3);
    new CachingStore(s3, scratch.resolve("other-cache")).put(WEB, file, sha(file));
    return file;
  }

  @Test
  void aMissIsFetchedOnceHowEverManyAskAtOnce() throws Exception {
    Path file = publishElsewhere();
    CachingStore cache = new CachingStore(remote, scratch.resolve("cache"));
    int readers = 10;
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < readers; i++) {
        reads.add(pool.submit(() -> {
          start.await();
          try (InputStream in = cache.open(WEB)) {
            return in.readAllBytes();
          }
        }));
      }
      start.countDown();
      for (Future<byte[]> read : reads) {
        assertArrayEquals(Files.readAllBytes(file), read.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, remote.opens.get());
  }

  @Test
  void aCorruptCacheEntryIsDetectedAndFetchedAgain() throws Exception {
    Path file = publishElsewhere();
    new CachingStore(remote, scratch.resolve("cache")).fetch(WEB);
    Path cached = scratch.resolve("cache/packages/hello-web/1.0.0.tar.gz");
    byte[] damaged = Files.readAllBytes(cached);
    damaged[1000] ^= 0x55;
    Files.write(cached, damaged);
    // A restarted server re-hashes what it serves first.
    CachingStore restarted = new CachingStore(remote, scratch.resolve("cache"));
    try (InputStream in = restarted.open(WEB)) {
      assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
    }
    assertEquals(2, remote.opens.get());
  }

  @Test
  void cachedPackagesAreServedWhileS3IsDown() throws Exception {
    Path file = publishElsewhere();
    CachingStore cache = new CachingStore(remote, scratch.resolve("cache"));
    cache.fetch(WEB);
    server.stop();
    assertEquals(sha(file), cache.head(WEB).orElseThrow().sha256());
    try (InputStream in = cache.open(WEB)) {
      assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
    }
    assertThrows(IOException.class, () -> cache.open(new PackageRef("other", "1.0")));
  }

  @Test
  void aPackageNotPublishedIsAskedForOnceInTwoSecondsNotAtEveryRequest() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    CachingStore cache = new CachingStore(remote, scratch.resolve("cache"), now::get);
    for (int i = 0; i < 100; i++) {
      assertTrue(cache.head(WEB).isEmpty());
    }
    assertEquals(1, remote.heads.get(), "a hundred specs naming it, one look at S3");

    // Published by another datacenter's server: seen here once the two seconds are up, not before.
    Path file = publishElsewhere();
    now.addAndGet(CachingStore.MISSING_FOR.toNanos() - 1);
    assertTrue(cache.head(WEB).isEmpty());
    now.addAndGet(1);
    assertEquals(sha(file), cache.head(WEB).orElseThrow().sha256());
    assertEquals(2, remote.heads.get());

    // Published through this server: seen at once.
    PackageRef api = new PackageRef("api", "2.0.0");
    assertTrue(cache.head(api).isEmpty());
    Path other = bytes("api", 1000, 4);
    cache.put(api, other, sha(other));
    assertEquals(sha(other), cache.head(api).orElseThrow().sha256());
  }
}
