package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.repo.FaultProxy;
import dev.roller.repo.FaultProxy.Fault;
import dev.roller.repo.FaultProxy.Kind;
import dev.roller.repo.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config server whose S3 (S3Proxy on 127.0.0.1) is behind a {@link FaultProxy} that makes it
 * slow, resets its connections, stalls them, or is gone (issue 17): specs of packages published
 * before keep being served, a publish fails cleanly with 503, a report is kept or refused with a
 * 5xx (so roll sends it again) but never answered 2xx and lost, and when S3 is back every report
 * accepted is in the bucket, publishing works and the server says it is healthy again.
 */
class S3FaultsTest {
  static final String HOST = "web1.dc1.example.com";

  @TempDir Path dir;
  S3ProxyServer s3;
  FaultProxy proxy;
  S3Store store;
  S3Store direct;
  ServerFixture server;
  /** A second server on the same bucket, reaching S3 without faults: it converges on what the first kept. */
  ServerFixture other;
  String commit;

  @BeforeEach
  void start() throws Exception {
    s3 = S3ProxyServer.startInMemory();
    s3.createBucket("dc1-packages");
    proxy = FaultProxy.to(s3.endpoint());
    // Short S3 timeouts, so a stalled S3 is given up on within the test's bounds.
    store = S3Store.create(S3ProxyServer.settings(proxy.uri(), "dc1-packages", "roller")
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3)));
    direct = S3Store.create(s3.settings("dc1-packages", "roller").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    commit = repo.commit("start");
    // As serve --s3 runs it: S3 behind the server's disk cache.
    server = ServerFixture.start(repo, dir.resolve("server"), new CachingStore(store, dir.resolve("cache")), ServerFixture.TOKEN,
        ServerLimits.defaults(), Duration.ofMillis(300));
    BuiltPackage web = server.build("hello-web", "1.0.0", "web");
    BuiltPackage foreman = server.build("foreman", "1.0.0", "foreman");
    assertEquals(201, server.publish(web, ServerFixture.TOKEN).statusCode());
    assertEquals(201, server.publish(foreman, ServerFixture.TOKEN).statusCode());
    assertEquals(200, spec().statusCode(), spec().body());
    other = ServerFixture.start(repo, dir.resolve("other"), new CachingStore(direct, dir.resolve("other-cache")),
        ServerFixture.TOKEN, ServerLimits.defaults(), Duration.ofMillis(300));
  }

  @AfterEach
  void stop() throws Exception {
    other.app.close();
    server.close();
    store.close();
    direct.close();
    proxy.close();
    s3.close();
  }

  /** Whether /health says the index's last look at the store went through, and ended after {@code time}. */
  private boolean lookedAfter(java.time.Instant time) throws Exception {
    Object doc = new org.yaml.snakeyaml.Yaml().load(server.get("/health").body());
    java.util.Map<?, ?> reports = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) doc).get("reports");
    Object at = reports.get("refreshed_at");
    return reports.get("stale") == null && at != null && java.time.Instant.parse(at.toString()).isAfter(time);
  }

  private HttpResponse<String> spec() throws Exception {
    return server.get("/hosts/" + HOST + "/spec");
  }

  private HttpResponse<String> report(int generation) throws Exception {
    return server.send("POST", "/hosts/" + HOST + "/report", HttpRequest.BodyPublishers.ofString(
        "{\"result\":\"applied\",\"commit\":\"" + commit + "\",\"generation\":" + generation + "}"),
        "Content-Type", "application/json");
  }

  @Test
  void s3SlowResettingStalledOrGoneSpecsStayPublishingFailsCleanlyReportsAreNotLostThenAllConverges() throws Exception {
    String specBefore = spec().body();
    // Every kind on the answers from S3, and a flip and a cut on what the server sends it.
    List<Fault> faults = new ArrayList<>(FaultProxy.every(Duration.ofMillis(200)));
    faults.add(Fault.of(Kind.FLIP, 900, Duration.ZERO).onRequests());
    faults.add(Fault.of(Kind.TRUNCATE, 700, Duration.ZERO).onRequests());
    List<Integer> accepted = new ArrayList<>();
    List<BuiltPackage> published = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    int generation = 0;
    for (Fault fault : faults) {
      proxy.set(fault);
      HttpResponse<String> spec = spec();
      assertEquals(200, spec.statusCode(), fault + ": the spec is still served: " + spec.body());
      assertEquals(specBefore.replaceAll("issued: .*", ""), spec.body().replaceAll("issued: .*", ""), fault.toString());

      BuiltPackage built = server.build("hello-web", "1.0." + (generation + 1), fault.toString());
      HttpResponse<String> publish = server.publish(built, ServerFixture.TOKEN);
      if (publish.statusCode() == 201) {
        published.add(built);
      }
      assertTrue(publish.statusCode() == 201 || publish.statusCode() == 503,
          fault + ": a publish is done or refused with 503, got " + publish.statusCode() + " " + publish.body());

      generation++;
      HttpResponse<String> report = report(generation);
      assertTrue(report.statusCode() == 201 || report.statusCode() / 100 == 5,
          fault + ": a report is kept, or refused so that roll sends it again: " + report.statusCode() + " " + report.body());
      if (report.statusCode() == 201) {
        accepted.add(generation);
      }
      seen.add(fault + ": publish " + publish.statusCode() + ", report " + report.statusCode()
          + (publish.statusCode() == 503 ? " (" + ServerFixture.error(publish) + ")" : ""));
    }
    System.out.println("config server with S3 behind faults:\n  " + String.join("\n  ", seen));
    assertTrue(seen.stream().anyMatch(s -> s.contains("publish 503")), "S3 gone refuses a publish: " + seen);

    // S3 comes back: everything accepted is there, and the server works again.
    proxy.set(Fault.none());
    // The proxy closed every connection it carried, and the server's S3 client keeps some of them
    // pooled (its listing uses 16 at a time): a request on one fails, retried on the next. A whole
    // look at the store begun after S3 came back (its 300 ms poll) uses them all up; wait for one.
    java.time.Instant back = java.time.Instant.now().plusMillis(700);
    long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!lookedAfter(back) && System.nanoTime() < settle) {
      Thread.sleep(50); // polling /health for a refresh after `back`, bounded by 10 s
    }
    assertTrue(lookedAfter(back), "the server looked at the store after S3 came back: " + server.get("/health").body());
    for (int g : accepted) {
      String history = server.get("/hosts/" + HOST + "/history").body();
      assertTrue(history.contains("generation: " + g), "the report of generation " + g + " was accepted, so it is kept: " + history);
    }
    assertTrue(direct.report(HOST).isPresent(), "the latest report is in the bucket");
    for (BuiltPackage p : published) {
      // Read straight from the bucket: what a publish answered 201 for is there, byte for byte.
      PackageRef ref = new PackageRef(p.manifest().name(), p.manifest().version());
      try (java.io.InputStream in = direct.open(ref)) {
        assertEquals(p.sha256(), Sha256.of(in.readAllBytes()), ref + " is stored whole");
      }
    }
    for (byte[] kept : direct.history(HOST, 100)) {
      assertTrue(new String(kept, java.nio.charset.StandardCharsets.UTF_8).contains("result: applied"),
          "every report kept is whole: " + new String(kept, java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(201, server.publish(server.build("hello-web", "2.0.0", "back"), ServerFixture.TOKEN).statusCode());
    assertEquals(201, report(100).statusCode());
    assertTrue(new String(direct.report(HOST).orElseThrow()).contains("generation: 100"));
    // The index catches up with the store at its next look, and /health says nothing is stale.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String health = server.get("/health").body();
    while (health.contains("stale") && System.nanoTime() < deadline) {
      health = server.get("/health").body();
    }
    assertTrue(!health.contains("stale"), health);
    String status = server.get("/hosts/" + HOST + "/status").body();
    assertTrue(status.contains("generation: 100"), status);
    // And the other server, at its next looks at the bucket (every 300 ms; bounded here by 10 s).
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String onOther = other.get("/hosts/" + HOST + "/status").body();
    while (!onOther.contains("generation: 100") && System.nanoTime() < deadline) {
      onOther = other.get("/hosts/" + HOST + "/status").body();
    }
    assertTrue(onOther.contains("generation: 100"), "the other server converges: " + onOther);
    assertEquals(201, other.publish(other.build("foreman", "2.0.0", "other"), ServerFixture.TOKEN).statusCode());
  }
}
