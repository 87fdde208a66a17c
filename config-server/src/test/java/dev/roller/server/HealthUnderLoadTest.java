package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /health is answered while every worker thread is busy: uploads whose bodies stall (raw HTTP/1.1
 * over sockets, one chunk sent and the body left open) hold all the workers and more requests
 * queue behind them, yet /health answers at once.
 */
class HealthUnderLoadTest {
  private static final int WORKERS = 4;

  @TempDir Path dir;

  @Test
  void healthAnswersWhileEveryWorkerIsBusy() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    try (ServerFixture server = ServerFixture.start(repo, dir, new FilesystemStore(dir.resolve("store")),
        ServerFixture.TOKEN, WORKERS)) {
      List<Socket> uploads = new ArrayList<>();
      try {
        for (int i = 0; i < 2 * WORKERS; i++) {
          Socket socket = new Socket("127.0.0.1", server.app.port());
          socket.setSoTimeout(60_000);
          uploads.add(socket);
          OutputStream out = socket.getOutputStream();
          out.write(("PUT /packages/slow/1." + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ServerFixture.TOKEN
              + "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        awaitUploadsInProgress(server, WORKERS);
        CompletableFuture<HttpResponse<String>> queued = server.client.sendAsync(
            HttpRequest.newBuilder(URI.create(server.base + "/hosts")).build(), HttpResponse.BodyHandlers.ofString());
        // The bound only guards against a hang: /health must not wait for the stalled uploads.
        HttpResponse<String> health = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> server.get("/health"));
        assertEquals(200, health.statusCode());
        assertFalse(queued.isDone(), "/hosts waits for a worker");
        for (Socket socket : uploads) {
          socket.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
        }
        assertEquals(200, queued.get(60, TimeUnit.SECONDS).statusCode());
        for (Socket socket : uploads) {
          String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
          assertEquals("HTTP/1.1 400 Bad Request", status, "a stalled upload is not a package");
        }
      } finally {
        for (Socket socket : uploads) {
          socket.close();
        }
      }
    }
  }

  /** Waits (bounded) until {@code n} uploads are being received: each has its temp file. */
  private static void awaitUploadsInProgress(ServerFixture server, int n) throws Exception {
    Path uploads = server.dir.resolve("uploads");
    Instant deadline = Instant.now().plusSeconds(30);
    while (count(uploads) < n) {
      assertTrue(Instant.now().isBefore(deadline), "uploads did not start: " + count(uploads) + " of " + n);
      Thread.onSpinWait();
    }
    assertEquals(n, count(uploads), "no more uploads than workers are in progress");
  }

  private static long count(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }
}
