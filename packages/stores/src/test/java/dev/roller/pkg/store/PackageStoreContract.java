package dev.roller.pkg.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.PackageStore.PutResult;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link PackageStore} guarantees; each implementation's test extends this. */
public abstract class PackageStoreContract {
  @TempDir protected Path scratch;

  protected abstract PackageStore store() throws Exception;

  private static final PackageRef WEB = new PackageRef("hello-web", "1.0.0");

  protected Path bytes(String name, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(scratch.resolve(name), data);
  }

  protected static Sha256 sha(Path file) throws Exception {
    return Sha256.of(Files.readAllBytes(file));
  }

  @Test
  void putThenHeadAndOpenGiveTheSameBytes() throws Exception {
    PackageStore store = store();
    Path file = bytes("a", 10_000, 1);
    assertEquals(PutResult.CREATED, store.put(WEB, file, sha(file)));
    StoredPackage stored = store.head(WEB).orElseThrow();
    assertEquals(sha(file), stored.sha256());
    assertEquals(10_000, stored.size());
    try (InputStream in = store.open(WEB)) {
      assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
    }
  }

  @Test
  void aMissingPackageHasNoHeadAndCannotBeOpened() throws Exception {
    PackageStore store = store();
    assertTrue(store.head(WEB).isEmpty());
    NoSuchPackageException e = assertThrows(NoSuchPackageException.class, () -> store.open(WEB).close());
    assertTrue(e.getMessage().contains("hello-web-1.0.0 is not published"), e.getMessage());
  }

  @Test
  void puttingTheSameBytesAgainIsANoOp() throws Exception {
    PackageStore store = store();
    Path file = bytes("a", 1000, 1);
    store.put(WEB, file, sha(file));
    assertEquals(PutResult.UNCHANGED, store.put(WEB, file, sha(file)));
  }

  @Test
  void puttingOtherBytesUnderAVersionIsRefusedAndKeepsTheFirst() throws Exception {
    PackageStore store = store();
    Path first = bytes("a", 1000, 1);
    Path other = bytes("b", 1000, 2);
    store.put(WEB, first, sha(first));
    PackageConflictException e = assertThrows(PackageConflictException.class, () -> store.put(WEB, other, sha(other)));
    assertTrue(e.getMessage().contains("write-once"), e.getMessage());
    assertEquals(sha(first), store.head(WEB).orElseThrow().sha256());
    try (InputStream in = store.open(WEB)) {
      assertArrayEquals(Files.readAllBytes(first), in.readAllBytes());
    }
  }

  @Test
  void listsNamesAndVersionsInVersionOrder() throws Exception {
    PackageStore store = store();
    Path file = bytes("a", 100, 1);
    for (String v : List.of("1.10.0", "1.9.0", "1.0.0")) {
      store.put(new PackageRef("hello-web", v), file, sha(file));
    }
    store.put(new PackageRef("foreman", "1.0.0"), file, sha(file));
    assertEquals(List.of("foreman", "hello-web"), store.names());
    assertEquals(List.of("1.0.0", "1.9.0", "1.10.0"),
        store.versions("hello-web").stream().map(p -> p.id().version()).toList());
    assertEquals(List.of(), store.versions("nothing"));
  }

  @Test
  void racingPutsOfOneVersionLeaveExactlyOneWinner() throws Exception {
    PackageStore store = store();
    int writers = 8;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      files.add(bytes("race" + i, 50_000, 100 + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (Path file : files) {
        Callable<Object> put = () -> {
          try {
            return store.put(WEB, file, sha(file));
          } catch (PackageConflictException e) {
            return e;
          }
        };
        results.add(pool.submit(put));
      }
      int created = 0;
      for (Future<Object> r : results) {
        if (r.get(60, TimeUnit.SECONDS) == PutResult.CREATED) {
          created++;
        }
      }
      assertEquals(1, created);
      Sha256 stored = store.head(WEB).orElseThrow().sha256();
      assertTrue(files.stream().anyMatch(f -> {
        try {
          return sha(f).equals(stored);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keepsEachHostsLatestReport() throws Exception {
    PackageStore store = store();
    assertTrue(store.report("web1.example.com").isEmpty());
    store.putReport("web1.example.com", "result: applied\ncommit: a\n".getBytes());
    store.putReport("web1.example.com", "result: applied\ncommit: b\n".getBytes());
    assertEquals("result: applied\ncommit: b\n", new String(store.report("web1.example.com").orElseThrow()));
    assertThrows(IllegalArgumentException.class, () -> store.putReport("../etc/passwd", new byte[0]));
  }

  @Test
  void keepsEachReportInTheHostsHistoryNewestFirstAndTrimsTheOldest() throws Exception {
    PackageStore store = store();
    assertEquals(List.of(), store.history("web1.example.com", 50));
    for (int i = 1; i <= 7; i++) {
      store.putReport("web1.example.com", ("result: applied\ncommit: c" + i + "\n").getBytes());
      Thread.sleep(2); // distinct milliseconds: the history's order is the order they were kept
    }
    store.putReport("web2.example.com", "result: failed\ncommit: x\n".getBytes());
    assertEquals(List.of("c7", "c6", "c5"), store.history("web1.example.com", 3).stream()
        .map(b -> new String(b).replaceAll("(?s).*commit: (\\w+).*", "$1")).toList());
    assertEquals(4, store.trimHistory("web1.example.com", 3));
    assertEquals(0, store.trimHistory("web1.example.com", 3));
    assertEquals(List.of("c7", "c6", "c5"), store.history("web1.example.com", 50).stream()
        .map(b -> new String(b).replaceAll("(?s).*commit: (\\w+).*", "$1")).toList());
    assertEquals(1, store.history("web2.example.com", 50).size(), "another host's history is its own");
    assertEquals(java.util.Set.of("web1.example.com", "web2.example.com"), store.reportTags().keySet(),
        "history is not listed as reports");
  }

  @Test
  void keepsTheFirstPublisherOfAPackage() throws Exception {
    PackageStore store = store();
    PackageRef ref = new PackageRef("web", "1.0.0");
    assertTrue(store.publisher(ref).isEmpty());
    store.putPublisher(ref, "alice at 2026-12-02T10:00:00Z");
    store.putPublisher(ref, "mallory at 2026-12-02T11:00:00Z");
    assertEquals("alice at 2026-12-02T10:00:00Z", store.publisher(ref).orElseThrow(), "write-once, like the package");
  }

  @Test
  void listsEveryReportWithATagThatChangesWhenItIsReplaced() throws Exception {
    PackageStore store = store();
    assertEquals(java.util.Map.of(), store.reportTags());
    store.putReport("web1.example.com", "result: applied\ncommit: a\n".getBytes());
    store.putReport("web2.example.com", "result: applied\ncommit: a\n".getBytes());
    java.util.Map<String, String> first = store.reportTags();
    assertEquals(java.util.Set.of("web1.example.com", "web2.example.com"), first.keySet());
    String tag = store.putReport("web2.example.com", "result: failed\ncommit: b\n".getBytes());
    java.util.Map<String, String> second = store.reportTags();
    assertEquals(second.get("web2.example.com"), tag, "the tag of a report put is the one listed");
    assertEquals(first.get("web1.example.com"), second.get("web1.example.com"));
    assertTrue(!first.get("web2.example.com").equals(second.get("web2.example.com")), first + " then " + second);
  }

  @Test
  void listsTheReportsOfEveryShard() throws Exception {
    PackageStore store = store();
    java.util.Set<String> hosts = new java.util.HashSet<>();
    java.util.Set<String> shards = new java.util.HashSet<>();
    for (int i = 0; i < 600; i++) {
      String host = "h" + i + ".dc" + (i % 3) + ".example.com";
      store.putReport(host, ("result: applied\ncommit: c" + i + "\n").getBytes());
      hosts.add(host);
      shards.add(StoreKeys.report(host).substring(0, StoreKeys.REPORTS.length() + 3));
    }
    assertTrue(shards.size() > 200, "600 hosts spread over the shards: " + shards.size());
    assertEquals(hosts, store.reportTags().keySet());
  }

  @Test
  void storesALargePackage() throws Exception {
    PackageStore store = store();
    Path file = bytes("big", 50 << 20, 7);
    PackageRef big = new PackageRef("big", "1.0.0");
    assertEquals(PutResult.CREATED, store.put(big, file, sha(file)));
    assertEquals(50L << 20, store.head(big).orElseThrow().size());
    java.security.MessageDigest digest = Sha256.newDigest();
    try (InputStream in = store.open(big)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    assertEquals(sha(file), Sha256.of(digest));
  }
}
