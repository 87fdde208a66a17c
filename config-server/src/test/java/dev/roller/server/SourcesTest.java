package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where commits come from, and what the server says before it has a good one. */
class SourcesTest {
  @TempDir Path dir;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> get(ConfigServerApp app, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private ConfigServerApp start(String location) throws Exception {
    Snapshots snapshots = new Snapshots(RepoSource.open(location, dir.resolve("cache")), "main");
    ConfigServerApp app = ConfigServerApp.start(snapshots, new FilesystemStore(dir.resolve("store")), ServerFixture.TOKEN,
        dir.resolve("uploads"), "127.0.0.1", 0, Duration.ofHours(1));
    snapshots.refresh();
    return app;
  }

  @Test
  void aGitUrlIsClonedIntoTheCacheAndFetchedOnRefresh() throws Exception {
    try (TestRepo origin = TestRepo.minimal(dir.resolve("origin"))) {
      String first = origin.commit("first");
      try (ConfigServerApp app = start(dir.resolve("origin").toUri().toString())) {
        assertTrue(Files.isDirectory(dir.resolve("cache/repo.git/objects")), "cloned bare into --cache-dir");
        assertEquals(first, get(app, "/hosts").headers().firstValue("X-Roller-Commit").orElseThrow());
        origin.write("hosts/web9.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
        String second = origin.commit("second");
        assertEquals(second, app.snapshots().refresh());
        assertTrue(get(app, "/hosts").body().contains("web9.dc1.example.com"));
      }
    }
  }

  @Test
  void beforeTheFirstGoodCommitHealthIs503AndSaysWhy() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: nope\ndatacenter: dc1\n");
      String bad = repo.commit("broken from the start");
      try (ConfigServerApp app = start(dir.resolve("repo").toString())) {
        HttpResponse<String> health = get(app, "/health");
        assertEquals(503, health.statusCode());
        assertTrue(health.body().contains("status: starting"), health.body());
        assertTrue(health.body().contains(bad), health.body());
        HttpResponse<String> hosts = get(app, "/hosts");
        assertEquals(503, hosts.statusCode());
        assertTrue(hosts.body().contains("no valid commit"), hosts.body());
      }
    }
  }

  @Test
  void anUploadDeclaredOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.commit("first");
      try (ConfigServerApp app = start(dir.resolve("repo").toString());
          Socket socket = new Socket("127.0.0.1", app.port())) {
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("PUT /packages/huge/1.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + ServerFixture.TOKEN + "\r\nContent-Length: " + (ConfigServerApp.MAX_UPLOAD + 1) + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertEquals("HTTP/1.1 413 Request Entity Too Large", status);
      }
    }
  }
}
