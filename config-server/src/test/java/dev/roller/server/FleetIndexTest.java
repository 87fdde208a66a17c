package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.repo.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report index (DESIGN §10) against a real S3 endpoint (S3Proxy on 127.0.0.1), with config
 * servers sharing one bucket: what one receives the other shows after its next look at the store;
 * history is kept and trimmed; a server starting on a bucket of thousands of reports has them all
 * before it answers for the fleet; an S3 outage leaves the index as it was, and says it is stale.
 */
class FleetIndexTest {
  static final int HOSTS = 1500;

  @TempDir Path dir;
  S3ProxyServer s3;
  TestRepo repo;
  String commit;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    s3 = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3")));
    s3.createBucket("fleet");
    repo = TestRepo.minimal(dir.resolve("repo"));
    for (int i = 0; i < HOSTS; i++) {
      repo.write("hosts/" + host(i) + ".yml", "hostclass: web\ndatacenter: dc1\n");
    }
    commit = repo.commit("hosts");
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    s3.close();
  }

  static String host(int i) {
    return "h" + i + ".dc1.example.com";
  }

  private S3Store store() {
    S3Store store = S3Store.create(s3.settings("fleet", "roller").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
    open.add(store);
    return store;
  }

  private ServerFixture server(String name, Duration poll) throws Exception {
    ServerFixture server = ServerFixture.start(repo, dir.resolve(name), store(), ServerFixture.TOKEN,
        ServerLimits.defaults(), poll);
    open.add(server.app);
    return server;
  }

  private String failed(int generation) {
    return "{\"result\":\"failed\",\"commit\":\"" + commit + "\",\"generation\":" + generation
        + ",\"error\":\"health check of web failed\"}";
  }

  private static HttpResponse<String> report(ServerFixture server, String host, String body) throws Exception {
    return server.send("POST", "/hosts/" + host + "/report", HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json");
  }

  private static String state(ServerFixture server, String host) throws Exception {
    String body = server.get("/hosts/" + host + "/status").body();
    return body.lines().filter(l -> l.startsWith("state: ")).findFirst().orElseThrow().substring(7);
  }

  @Test
  void aReportPostedToOneServerShowsOnTheOtherAtItsNextLookAtTheStore() throws Exception {
    ServerFixture a = server("a", Duration.ofHours(1));
    Duration poll = Duration.ofMillis(300);
    ServerFixture b = server("b", poll);
    assertEquals("never reported", state(b, host(1)));
    assertEquals(201, report(a, host(1), failed(1)).statusCode());
    assertEquals("failing", state(a, host(1)), "the server that received it knows at once");

    // B's own poller looks at the store every 300 ms: within two polls (bounded here by ten), B knows.
    long deadline = System.nanoTime() + poll.multipliedBy(10).toNanos();
    String seen = state(b, host(1));
    while (!seen.equals("failing") && System.nanoTime() < deadline) {
      seen = state(b, host(1));
    }
    assertEquals("failing", seen, "B reads what A kept in the bucket");
    Map<?, ?> fleet = (Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(b.get("/fleet?state=failing").body());
    assertEquals(1, fleet.get("total"), String.valueOf(fleet));
    assertEquals(host(1), ((Map<?, ?>) ((List<?>) fleet.get("hosts")).get(0)).get("host"));
    assertEquals("health check of web failed", ((Map<?, ?>) ((List<?>) fleet.get("hosts")).get(0)).get("error"));
  }

  @Test
  void everyReportIsKeptAndTheHistoryIsTrimmedToTheLast50() throws Exception {
    ServerFixture a = server("a", Duration.ofHours(1));
    ServerFixture b = server("b", Duration.ofHours(1));
    for (int g = 1; g <= 60; g++) {
      assertEquals(201, report(g % 2 == 0 ? a : b, host(7), failed(g)).statusCode());
    }
    a.app.flushHistory();
    b.app.flushHistory();
    assertEquals(50, store().history(host(7), 1000).size(), "the 10 oldest are removed from the bucket (at the 60th)");
    for (int g = 61; g <= 65; g++) {
      assertEquals(201, report(g % 2 == 0 ? a : b, host(7), failed(g)).statusCode());
    }
    a.app.flushHistory();
    b.app.flushHistory();
    assertEquals(55, store().history(host(7), 1000).size(), "trimmed every 10th report, not at each one");

    HttpResponse<String> history = a.get("/hosts/" + host(7) + "/history");
    assertEquals(200, history.statusCode(), history.body());
    List<?> reports = (List<?>) ((Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(history.body())).get("reports");
    assertEquals(50, reports.size());
    assertEquals(65, ((Map<?, ?>) reports.get(0)).get("generation"), "newest first, the newest 50");
    assertEquals(16, ((Map<?, ?>) reports.get(49)).get("generation"));
    // Counted from the host's report before as the receiving server knows it: B got the 33 odd
    // ones and, polling hourly here, never saw A's (a trim every 10th of its own still holds).
    assertEquals(33, ((Map<?, ?>) reports.get(0)).get("report_number"));
    Map<?, ?> newest = (Map<?, ?>) reports.get(0);
    assertEquals(commit, newest.get("commit"));
    assertEquals("failed", newest.get("result"));
    assertEquals("health check of web failed", newest.get("error"));
    Map<?, ?> change = (Map<?, ?>) newest.get("change");
    assertEquals("hosts", change.get("subject"), "the commit's subject, from git");
    assertEquals("Test <test@example.com>", change.get("author"));
  }

  @Test
  void aServerStartedOnABucketOfThousandsOfReportsHasThemAllBeforeItAnswersForTheFleet() throws Exception {
    S3Store seed = store();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < HOSTS; i++) {
        String h = host(i);
        byte[] kept = ("host: " + h + "\nresult: failed\ncommit: " + commit + "\ngeneration: 2\nerror: disk full\n"
            + "verified: false\nreceived_at: '2026-12-02T10:00:00Z'\n").getBytes(StandardCharsets.UTF_8);
        puts.add(pool.submit(() -> seed.putReport(h, kept)));
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    ServerFixture c = server("c", Duration.ofHours(1));
    HttpResponse<String> page = c.get("/fleet?state=failing");
    if (page.statusCode() == 503) {
      assertTrue(ServerFixture.error(page).contains("still loading"), page.body());
      assertEquals(503, c.get("/health").statusCode(), "and /health says it is starting");
      c.app.refreshReports(); // the load under way, or done: this returns when the index has every report
      page = c.get("/fleet?state=failing");
    }
    assertEquals(200, page.statusCode(), page.body());
    Map<?, ?> fleet = (Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(page.body());
    assertEquals(HOSTS, fleet.get("total"), "every report is in the index, none missing");
    assertEquals(8, fleet.get("pages"), "200 hosts a page");
    assertEquals(200, ((List<?>) fleet.get("hosts")).size());
    assertEquals(HOSTS, ((Map<?, ?>) fleet.get("counts")).get("failing"));
    HttpResponse<String> health = c.get("/health");
    assertEquals(200, health.statusCode(), health.body());
    assertTrue(health.body().contains("hosts: " + HOSTS), health.body());

    // S3 goes away: the index keeps what it had, says it is stale, and the page still answers.
    s3.stop();
    assertTrue(c.app.refreshReports().contains("cannot list the reports"), "the refresh says why");
    HttpResponse<String> degraded = c.get("/health");
    assertTrue(degraded.body().contains("status: degraded") && degraded.body().contains("stale: 'cannot list the reports"),
        degraded.body());
    HttpResponse<String> stillThere = c.get("/");
    assertEquals(200, stillThere.statusCode());
    assertTrue(stillThere.body().contains("the reports shown may be out of date"), stillThere.body());
    assertEquals("failing", state(c, host(3)), "nothing lost");
  }
}
