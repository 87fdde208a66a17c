package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /hooks/refresh with --hook-secret-file: GitHub's HMAC or GitLab's token, nothing else; a flood shares fetches. */
class HookTest {
  static final String SECRET = "hook-secret-0123456789";

  @TempDir Path dir;

  @Test
  void aRefreshNeedsTheHooksSignatureOrToken() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    try (ConfigServerApp app = ConfigServerApp.start(snapshots, new FilesystemStore(dir.resolve("store")), null,
        dir.resolve("uploads"), "127.0.0.1", 0, Duration.ofHours(1), ServerLimits.defaults(), null, null,
        SECRET.getBytes(StandardCharsets.UTF_8))) {
      snapshots.refresh();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String body = "{\"ref\":\"refs/heads/main\"}";
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
      URI hook = URI.create("http://127.0.0.1:" + app.port() + "/hooks/refresh");

      HttpResponse<String> none = http.send(HttpRequest.newBuilder(hook).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, none.statusCode(), none.body());
      HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(hook).header("X-Hub-Signature-256", "sha256=00")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode());
      HttpResponse<String> github = http.send(HttpRequest.newBuilder(hook).header("X-Hub-Signature-256", signature)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, github.statusCode(), github.body());
      HttpResponse<String> gitlab = http.send(HttpRequest.newBuilder(hook).header("X-Gitlab-Token", SECRET)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, gitlab.statusCode(), gitlab.body());

      // A flood of hook calls shares fetches: every one answers, with the commit served.
      repo.write("hosts/web9.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
      String latest = repo.commit("a new host");
      List<CompletableFuture<HttpResponse<String>>> flood = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        flood.add(http.sendAsync(HttpRequest.newBuilder(hook).header("X-Gitlab-Token", SECRET)
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : flood) {
        HttpResponse<String> r = f.get();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("commit: " + latest), "each call answers with a fetch that began after it: " + r.body());
      }
    }
    repo.close();
  }
}
