package dev.roller.server;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Settings;
import dev.roller.pkg.store.S3Store;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/fleet-100k (not a test: surefire runs it only when named, -Dtest=FleetIndexBench): the
 * repo at {@code fleet.repo} (the generated 100,000-host one), a report for every host in an S3
 * bucket on S3Proxy (its in-memory store: its filesystem store rescans the folder for every
 * listing page, minutes at 100,000 objects, which no real S3 does) in a process of its own, then
 * a first config server (no compacted index yet: every report read) and, once it has written the
 * compacted index, a second: how long until each one's report index is loaded, the second's heap,
 * {@code /} and {@code /fleet?state=failing} times (as they are, and with a report posted before
 * each), and 500 reports/s posted for 20 s (p99) while a spec is asked for in a loop (p99). Figures
 * go to {@code fleet.out}.
 */
class FleetIndexBench {
  @TempDir Path dir;

  @Test
  void run() throws Exception {
    Path repo = Path.of(System.getProperty("fleet.repo"));
    Path out = Path.of(System.getProperty("fleet.out", "fleet-100k.out"));
    int rate = Integer.getInteger("fleet.rate", 500);
    List<String> hosts;
    try (var files = Files.list(repo.resolve("hosts"))) {
      hosts = files.map(p -> p.getFileName().toString().replaceAll("\\.yml$", "")).sorted().toList();
    }
    StringBuilder figures = new StringBuilder("hosts=" + hosts.size() + "\n");
    String commit; // the commit the reports name, quoted by nothing: hex with letters (forty zeros would read as 0)
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(repo.toFile())) {
      commit = git.getRepository().resolve("main").name();
    }
    S3ProxyServer.Spawned s3 = S3ProxyServer.spawn("6g");
    try {
      URI endpoint = s3.endpoint();
      S3ProxyServer.createBucket(endpoint, "fleet");
      S3Settings settings = S3ProxyServer.settings(endpoint, "fleet", "roller")
          .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60));
      S3Store seed = S3Store.create(settings);
      long seeding = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(32);
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < hosts.size(); i++) {
        String h = hosts.get(i);
        String result = i % 100 == 0 ? "failed" : "applied";
        byte[] kept = ("host: " + h + "\nresult: " + result + "\ncommit: " + commit + "\ngeneration: 3\n"
            + (result.equals("failed") ? "error: health check failed\n" : "") + "verified: false\n"
            + "received_at: '2026-12-02T10:00:00Z'\n").getBytes(StandardCharsets.UTF_8);
        puts.add(pool.submit(() -> seed.putReport(h, kept)));
      }
      for (Future<?> f : puts) {
        f.get();
      }
      pool.shutdown();
      figures.append("seed_ms=").append((System.nanoTime() - seeding) / 1_000_000).append('\n');
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

      // The bucket's first server: no compacted index yet, every report is read; it writes one.
      long cold = System.nanoTime();
      try (ConfigServerApp app = ConfigServerApp.start(new Snapshots(RepoSource.open(repo.toString(), dir.resolve("cache-a")), "main"),
          S3Store.create(settings), ServerFixture.TOKEN, dir.resolve("uploads-a"), "127.0.0.1", 0, Duration.ofMinutes(10),
          ServerLimits.defaults())) {
        String base = "http://127.0.0.1:" + app.port();
        awaitHealthy(client, base);
        figures.append("ready_cold_ms=").append((System.nanoTime() - cold) / 1_000_000).append('\n');
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String health = get(client, base + "/health").body();
        while (!health.contains("wrote index/reports.json.gz") && System.nanoTime() < deadline) {
          Thread.sleep(100); // waiting for the write the first load ends with, bounded
          health = get(client, base + "/health").body();
        }
        figures.append("compacted=").append(health.lines().filter(l -> l.contains("compacted:")).findFirst().orElse("none").strip())
            .append('\n');
      }

      // The second as `serve` runs one: the local package cache in front of S3.
      CachingStore store = new CachingStore(S3Store.create(settings), dir.resolve("cache-packages"));
      Snapshots snapshots = new Snapshots(RepoSource.open(repo.toString(), dir.resolve("cache")), "main");
      long starting = System.nanoTime();
      try (ConfigServerApp app = ConfigServerApp.start(snapshots, store, ServerFixture.TOKEN, dir.resolve("uploads"),
          "127.0.0.1", 0, Duration.ofMinutes(10), ServerLimits.defaults())) {
        String base = "http://127.0.0.1:" + app.port();
        awaitHealthy(client, base);
        String warm = get(client, base + "/health").body();
        warm.lines().filter(l -> l.contains("compacted:") || l.contains("last_refresh:"))
            .forEach(l -> figures.append("warm_").append(l.strip().replaceFirst(": ", "=")).append('\n'));
        figures.append("ready_ms=").append((System.nanoTime() - starting) / 1_000_000).append('\n');
        System.gc();
        figures.append("heap_mb=").append(Runtime.getRuntime().totalMemory() / 1048576 - Runtime.getRuntime().freeMemory() / 1048576)
            .append('\n');
        ReportLoad.publishSpec(app, client, base, hosts, dir.resolve("packages"));
        // Each view twice: with no report between views, and with one posted (untimed) before each.
        int churned = 0;
        for (boolean churn : List.of(false, true)) {
          for (String path : List.of("/", "/fleet?state=failing")) {
            get(client, base + path); // the first after a commit works out the targets
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
              if (churn) {
                ReportLoad.report(client, base, hosts.get((churned++ * 7919) % hosts.size()));
              }
              long t = System.nanoTime();
              HttpResponse<String> r = get(client, base + path);
              times.add((System.nanoTime() - t) / 1_000_000);
              if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
              }
            }
            Collections.sort(times);
            figures.append(churn ? "churn_" : "").append(path.equals("/") ? "page" : "failing").append("_ms=").append(times.get(10))
                .append('\n');
          }
        }

        // -Dfleet.jfr=FILE: a flight recording of the report phase, to see where its time goes.
        jdk.jfr.Recording jfr = null;
        if (System.getProperty("fleet.jfr") != null) {
          jfr = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
          jfr.setDestination(Path.of(System.getProperty("fleet.jfr")));
          jfr.start();
        }
        // Reports at `rate` a second for 20 s, open loop, while one spec is asked for in a loop.
        figures.append(ReportLoad.run(client, base, hosts, rate, 20).lines(""));
        if (jfr != null) {
          jfr.stop();
          jfr.close();
        }
        app.flushHistory();
      }
    } finally {
      s3.close();
    }
    Files.writeString(out, figures);
  }

  static void awaitHealthy(HttpClient client, String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (get(client, base + "/health").statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(50); // measuring how long it takes: a poll, not a synchronisation
    }
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
