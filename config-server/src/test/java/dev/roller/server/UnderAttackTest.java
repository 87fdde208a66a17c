package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.ConfigRepo;
import dev.roller.repo.TestRepo;
import dev.roller.server.ServerLimits;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config server against hostile commits and hostile clients (issue: the config server under
 * attack): a real server on 127.0.0.1 with its real poller, real git, real HTTP.
 */
class UnderAttackTest {
  @TempDir Path dir;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ConfigServerApp start(TestRepo repo, Snapshots.Loader loader, Duration poll) throws Exception {
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main", loader);
    return ConfigServerApp.start(snapshots, new FilesystemStore(dir.resolve("store")), ServerFixture.TOKEN,
        dir.resolve("uploads"), "127.0.0.1", 0, poll);
  }

  private HttpResponse<String> get(ConfigServerApp app, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Asks {@code path} until its body passes {@code test}, for at most 20 s; returns the last body. */
  private String await(ConfigServerApp app, String path, Predicate<String> test) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String body = "";
    while (System.nanoTime() < deadline) {
      body = get(app, path).body();
      if (test.test(body)) {
        return body;
      }
      Thread.sleep(20); // polling a condition, bounded by the deadline
    }
    throw new AssertionError("gave up waiting on " + path + "; last answer:\n" + body);
  }

  @Test
  void aCommitThatBreaksTheLoaderIsRejectedAndThePollerPicksUpTheFix() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      String good = repo.commit("good");
      Snapshots.Loader boom = tree -> {
        if (tree.entries().stream().anyMatch(e -> e.path().equals("datacenters/boom.yml"))) {
          throw new IllegalStateException("the loader broke");
        }
        return ConfigRepo.load(tree);
      };
      try (ConfigServerApp app = start(repo, boom, Duration.ofMillis(50))) {
        await(app, "/health", body -> body.contains(good));
        repo.write("datacenters/boom.yml", "description: boom\n");
        String bad = repo.commit("breaks the loader");

        String health = await(app, "/health", body -> body.contains(bad));
        assertTrue(health.contains("status: degraded") && health.contains("the loader broke"), health);
        assertTrue(health.contains("commit: " + good), "the last good commit is still served: " + health);

        repo.delete("datacenters/boom.yml");
        String fix = repo.commit("fix");
        health = await(app, "/health", body -> body.contains("commit: " + fix));
        assertTrue(health.contains("status: ok"), health);
      }
    }
  }

  @Test
  void aTaggedParamIsARejectedCommitWithItsLineAndNeverA500() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      String good = repo.commit("good");
      try (ConfigServerApp app = start(repo, ConfigRepo::load, Duration.ofMillis(50))) {
        await(app, "/health", body -> body.contains(good));
        repo.write("datacenters/dc1.yml", "params:\n  ntp_server: x\n  r: !foo bar\n");
        String bad = repo.commit("a local tag");

        String health = await(app, "/health", body -> body.contains(bad));
        assertTrue(health.contains("datacenters/dc1.yml:3: YAML tags are not allowed (!foo)"), health);
        HttpResponse<String> atBad = get(app, "/hosts/web1.dc1.example.com/spec?rev=" + bad);
        assertEquals(422, atBad.statusCode(), atBad.body());
        assertTrue(atBad.body().contains("datacenters/dc1.yml:3"), atBad.body());

        repo.write("datacenters/dc1.yml", "params:\n  ntp_server: x\n  r: bar\n");
        String fix = repo.commit("fix");
        await(app, "/health", body -> body.contains("commit: " + fix) && body.contains("status: ok"));
      }
    }
  }

  @Test
  void aPollerThatMakesNoProgressTurnsHealthDegraded() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      String good = repo.commit("good");
      CountDownLatch release = new CountDownLatch(1);
      Snapshots.Loader stuck = tree -> {
        if (tree.entries().stream().anyMatch(e -> e.path().equals("datacenters/slow.yml"))) {
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return ConfigRepo.load(tree);
      };
      try (ConfigServerApp app = start(repo, stuck, Duration.ofMillis(100))) {
        await(app, "/health", body -> body.contains(good) && body.contains("status: ok"));
        repo.write("datacenters/slow.yml", "description: slow\n");
        repo.commit("a load that hangs");

        String health = await(app, "/health", body -> body.contains("status: degraded"));
        assertTrue(health.contains("stale: the last successful fetch was"), health);
        release.countDown();
        health = await(app, "/health", body -> body.contains("status: ok"));
        assertFalse(health.contains("stale"), health);
      }
    }
  }

  @Test
  void idleConnectionsAreClosedAndHealthAnswersWhileTheyAreOpen() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.commit("good");
      Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
      ServerLimits limits = ServerLimits.withIdle(Duration.ofSeconds(2), 5_000, 16);
      try (ConfigServerApp app = ConfigServerApp.start(snapshots, new FilesystemStore(dir.resolve("store")), null,
          dir.resolve("uploads"), "127.0.0.1", 0, Duration.ofHours(1), limits)) {
        snapshots.refresh();
        java.util.List<java.net.Socket> idle = new java.util.ArrayList<>();
        try {
          for (int i = 0; i < 2_000; i++) {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port());
            socket.setSoTimeout(20_000);
            idle.add(socket);
          }
          // A slowloris: a request head that never ends.
          java.net.Socket slow = new java.net.Socket("127.0.0.1", app.port());
          slow.setSoTimeout(20_000);
          slow.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          idle.add(slow);
          HttpResponse<String> health = get(app, "/health");
          assertEquals(200, health.statusCode(), health.body());
          // Every idle connection is closed by the server once the timeout passes (read sees the end).
          for (java.net.Socket socket : idle) {
            int read = socket.getInputStream().read();
            assertTrue(read == -1 || read == 'H', "closed (or answered 408 before closing)");
          }
        } finally {
          for (java.net.Socket socket : idle) {
            socket.close();
          }
        }
        assertEquals(200, get(app, "/health").statusCode());
      }
    }
  }

  @Test
  void anUploadCutShortIsTheClientsFault() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.commit("good");
      try (ConfigServerApp app = start(repo, ConfigRepo::load, Duration.ofHours(1));
          java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
        await(app, "/health", body -> body.contains("status: ok"));
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(("PUT /packages/hello-web/1.0.0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + ServerFixture.TOKEN + "\r\nContent-Length: 100000\r\n\r\nonly a few bytes").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.shutdownOutput(); // and the client stops sending
        String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("upload truncated"), answer);
      }
    }
  }

  @Test
  void rawBackslashCaretAndNonAsciiInAPathGetAnErrorLine() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.commit("good");
      try (ConfigServerApp app = start(repo, ConfigRepo::load, Duration.ofHours(1))) {
        await(app, "/health", body -> body.contains("status: ok"));
        for (String path : new String[] {"/hosts/web1\\x/spec", "/hosts/web^1/spec", "/hosts/w\u00e9b1/spec", "/\u00e9t\u00e9"}) {
          try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 404"), path + ": " + answer);
            assertTrue(answer.contains("\r\n\r\nerror: "), path + " gets an error: line, not an empty body: " + answer);
          }
        }
      }
    }
  }
}
