package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.store.NoSuchPackageException;
import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoredPackage;
import dev.roller.repo.TestRepo;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow request bodies against a real server on 127.0.0.1 (issue: the config server under attack,
 * point 5). Bodies are sent over raw sockets, a few bytes and then nothing, as an attacker would:
 * they must hold no worker thread, be cut off at their deadline, and never keep specs, users and
 * tarballs waiting.
 */
class SlowUploadsTest {
  private static final int WORKERS = 4;
  private static final String HOST = "web1.dc1.example.com";

  @TempDir Path dir;

  @Test
  void sixteenSlowBodiesKeepNoSpecUsersOrTarballWaiting() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    try (ServerFixture server = ServerFixture.start(repo, dir, new FilesystemStore(dir.resolve("store")),
        ServerFixture.TOKEN, ServerLimits.defaults().withWorkers(WORKERS))) {
      assertEquals(201, server.publish(server.build("hello-web", "1.0.0", "hello"), ServerFixture.TOKEN).statusCode());
      assertEquals(201, server.publish(server.build("foreman", "1.0.0", "foreman"), ServerFixture.TOKEN).statusCode());
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          slow.add(open(server, "POST /hosts/" + HOST + "/report HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nresult: "));
          slow.add(open(server, "PUT /packages/slow/1." + i + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + ServerFixture.TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n"));
        }
        awaitFiles(server.dir.resolve("uploads"), 8);
        // Each of these needs a worker thread; four workers, sixteen slow bodies. Before bodies were
        // received off the workers, every one of them timed out.
        assertEquals(200, server.get("/hosts/" + HOST + "/spec?format=json").statusCode());
        assertEquals(200, server.get("/hosts/" + HOST + "/users").statusCode());
        assertEquals(200, server.get("/packages/hello-web/1.0.0/tarball").statusCode());
        HttpResponse<String> health = server.get("/health");
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("status: ok"), health.body());
        assertTrue(health.body().contains("workers:") && health.body().contains("uploads:"), health.body());

        for (int i = 0; i < slow.size(); i += 2) {
          // the report's body, completed: 1000 bytes in all, a bad result
          send(slow.get(i), "x".repeat(1000 - "result: ".length()));
          assertEquals("HTTP/1.1 400 Bad Request", statusLine(slow.get(i)));
          send(slow.get(i + 1), "0\r\n\r\n");
          assertEquals("HTTP/1.1 400 Bad Request", statusLine(slow.get(i + 1)), "one byte is not a package");
        }
        awaitFiles(server.dir.resolve("uploads"), 0);
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  @Test
  void aBodyThatDoesNotArriveInTimeIsCutOffAndNothingIsKept() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    ServerLimits limits = ServerLimits.defaults().withBodies(Duration.ofMillis(300), 2);
    try (ServerFixture server = ServerFixture.start(repo, dir, new FilesystemStore(dir.resolve("store")),
        ServerFixture.TOKEN, limits);
        Socket report = open(server, "POST /hosts/" + HOST + "/report HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\nresult: applied\n");
        Socket upload = open(server, "PUT /packages/slow/1.0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + ServerFixture.TOKEN + "\r\nContent-Length: 100\r\n\r\nabc")) {
      // The server closes both: reading reaches the end (or a reset) well before the socket's own timeout.
      assertClosed(report);
      assertClosed(upload);
      assertTrue(server.get("/hosts/" + HOST + "/status").body().contains("state: never reported"),
          "the cut-off report was not kept");
      awaitFiles(server.dir.resolve("uploads"), 0);
    }
  }

  @Test
  void busyReportThreadsShowOnHealthAndOverflowIsRefusedAtOnce() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch storing = new CountDownLatch(1);
    PackageStore gated = new GatedReports(new FilesystemStore(dir.resolve("store")), storing, release);
    ServerLimits limits = ServerLimits.defaults().withReports(1);
    try (ServerFixture server = ServerFixture.start(repo, dir, gated, ServerFixture.TOKEN, limits)) {
      List<Socket> reports = new ArrayList<>();
      try {
        int queue = ServerLimits.UPLOAD_QUEUE_PER_WORKER;
        String body = "result: applied\n";
        String request = "POST /hosts/" + HOST + "/report HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
            + "\r\n\r\n" + body;
        reports.add(open(server, request));
        assertTrue(storing.await(20, TimeUnit.SECONDS), "the first report reached the store");
        for (int i = 0; i < queue; i++) {
          reports.add(open(server, request));
        }
        String health = await(server, "/health", b -> b.contains("queued: " + queue));
        assertTrue(health.contains("status: degraded"), health);
        assertTrue(health.contains("saturated: all 1 report threads busy, " + queue + " reports waiting"), health);
        try (Socket overflow = open(server, request)) {
          assertEquals("HTTP/1.1 503 Service Unavailable", statusLine(overflow), "past the queue: refused at once");
        }
        release.countDown();
        for (Socket socket : reports) {
          assertEquals("HTTP/1.1 201 Created", statusLine(socket));
        }
        assertTrue(await(server, "/health", b -> b.contains("status: ok")).contains("queued: 0"));
      } finally {
        release.countDown();
        for (Socket socket : reports) {
          socket.close();
        }
      }
    }
  }

  @Test
  void aPackageUploadStuckInTheStoreKeepsNoReportWaiting() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch storing = new CountDownLatch(1);
    PackageStore gated = new GatedPackages(new FilesystemStore(dir.resolve("store")), storing, release);
    // One thread for package uploads; before reports had threads of their own, they waited behind it.
    ServerLimits limits = ServerLimits.defaults().withBodies(ServerLimits.DEFAULT_BODY_TIMEOUT, 1);
    try (ServerFixture server = ServerFixture.start(repo, dir, gated, ServerFixture.TOKEN, limits)) {
      var built = server.build("hello-web", "1.0.0", "hello");
      var upload = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return server.publish(built, ServerFixture.TOKEN).statusCode();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        assertTrue(storing.await(20, TimeUnit.SECONDS), "the upload reached the store");
        HttpResponse<String> report = server.send("POST", "/hosts/" + HOST + "/report",
            java.net.http.HttpRequest.BodyPublishers.ofString("result: applied\n"));
        assertEquals(201, report.statusCode(), report.body());
        java.util.Map<?, ?> uploads = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) new org.yaml.snakeyaml.Yaml()
            .load(server.get("/health").body())).get("uploads");
        assertEquals(1, uploads.get("busy"), "the upload thread is still held: " + uploads);
      } finally {
        release.countDown();
      }
      assertEquals(201, upload.get(30, TimeUnit.SECONDS));
    }
  }

  private static Socket open(ServerFixture server, String head) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.app.port());
    socket.setSoTimeout(30_000);
    send(socket, head);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String statusLine(Socket socket) throws IOException {
    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
  }

  private static void assertClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      byte[] answer = in.readAllBytes();
      assertEquals("", new String(answer, StandardCharsets.US_ASCII), "closed without an answer");
    } catch (SocketException reset) {
      // a reset is closed too
    }
  }

  /** Asks {@code path} until its body passes {@code test}, for at most 20 s. */
  private static String await(ServerFixture server, String path, Predicate<String> test) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    String body = "";
    while (Instant.now().isBefore(deadline)) {
      body = server.get(path).body();
      if (test.test(body)) {
        return body;
      }
      Thread.sleep(20); // polling a condition, bounded by the deadline
    }
    throw new AssertionError("gave up waiting on " + path + "; last answer:\n" + body);
  }

  /** Waits (bounded) until {@code dir} holds {@code n} upload files. */
  private static void awaitFiles(Path dir, int n) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (count(dir) != n) {
      assertTrue(Instant.now().isBefore(deadline), "uploads in progress: " + count(dir) + ", expected " + n);
      Thread.sleep(10); // polling a condition, bounded by the deadline
    }
  }

  private static long count(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  /** Waits (at most a minute) at the test's gate. */
  private static void gate(CountDownLatch storing, CountDownLatch release) throws IOException {
    storing.countDown();
    try {
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IOException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** A real filesystem store whose package puts wait at a gate: an upload held in the store on purpose. */
  private static final class GatedPackages extends GatedReports {
    GatedPackages(PackageStore store, CountDownLatch storing, CountDownLatch release) {
      super(store, storing, release);
    }

    @Override
    public String putReport(String host, byte[] report) throws IOException {
      return store.putReport(host, report);
    }

    @Override
    public PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException {
      gate(storing, release);
      return store.put(id, tarball, sha256);
    }
  }

  /** A real filesystem store whose report writes wait at a gate: report threads kept busy on purpose. */
  private static class GatedReports implements PackageStore {
    final PackageStore store;
    final CountDownLatch storing;
    final CountDownLatch release;

    GatedReports(PackageStore store, CountDownLatch storing, CountDownLatch release) {
      this.store = store;
      this.storing = storing;
      this.release = release;
    }

    @Override
    public String putReport(String host, byte[] report) throws IOException {
      gate(storing, release);
      return store.putReport(host, report);
    }

    @Override
    public Optional<StoredPackage> head(PackageRef id) throws IOException {
      return store.head(id);
    }

    @Override
    public InputStream open(PackageRef id) throws IOException, NoSuchPackageException {
      return store.open(id);
    }

    @Override
    public PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException {
      return store.put(id, tarball, sha256);
    }

    @Override
    public List<String> names() throws IOException {
      return store.names();
    }

    @Override
    public List<StoredPackage> versions(String name) throws IOException {
      return store.versions(name);
    }

    @Override
    public Optional<byte[]> report(String host) throws IOException {
      return store.report(host);
    }

    @Override
    public java.util.Map<String, String> reportTags() throws IOException {
      return store.reportTags();
    }
  }
}
