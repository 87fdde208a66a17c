package dev.roller.server;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/report-ingest (not a test: surefire runs it only when named, -Dtest=ReportIngestBench):
 * one config server on the repo at {@code fleet.repo} taking {@code fleet.rate} reports a second
 * for 20 s ({@link ReportLoad}), each kept with its history, first in a filesystem store (the
 * server's own cost: a file rename is cheap), then in S3Proxy's in-memory store in a process of its
 * own (the fleet-100k set-up, without its 100,000 seeded reports): the difference is what the
 * store costs on the same two cores. Figures go to {@code fleet.out}, prefixed {@code fs_} and {@code s3_}.
 */
class ReportIngestBench {
  @TempDir Path dir;

  @Test
  void run() throws Exception {
    Path repo = Path.of(System.getProperty("fleet.repo"));
    int rate = Integer.getInteger("fleet.rate", 500);
    List<String> hosts;
    try (var files = Files.list(repo.resolve("hosts"))) {
      hosts = files.map(p -> p.getFileName().toString().replaceAll("\\.yml$", "")).sorted().toList();
    }
    StringBuilder figures = new StringBuilder("hosts=" + hosts.size() + "\nrate=" + rate + "\n");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    figures.append(measure(client, repo, hosts, rate, new FilesystemStore(dir.resolve("store")), "fs"));
    try (S3ProxyServer.Spawned s3 = S3ProxyServer.spawn("2g")) {
      S3ProxyServer.createBucket(s3.endpoint(), "ingest");
      // In front of S3, the local package cache `serve` puts there: a spec's package heads are local.
      figures.append(measure(client, repo, hosts, rate, new CachingStore(S3Store.create(S3ProxyServer.settings(s3.endpoint(),
          "ingest", "roller").withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60))), dir.resolve("cache-packages")), "s3"));
    }
    Files.writeString(Path.of(System.getProperty("fleet.out", "report-ingest.out")), figures);
  }

  private String measure(HttpClient client, Path repo, List<String> hosts, int rate, PackageStore store, String name) throws Exception {
    try (ConfigServerApp app = ConfigServerApp.start(new Snapshots(RepoSource.open(repo.toString(), dir.resolve("cache-" + name)), "main"),
        store, ServerFixture.TOKEN, dir.resolve("uploads-" + name), "127.0.0.1", 0, Duration.ofMinutes(10),
        ServerLimits.defaults().withReports(Integer.getInteger("fleet.reportWorkers", ServerLimits.DEFAULT_REPORT_WORKERS)))) {
      String base = "http://127.0.0.1:" + app.port();
      FleetIndexBench.awaitHealthy(client, base);
      ReportLoad.publishSpec(app, client, base, hosts, dir.resolve("packages-" + name));
      ReportLoad.run(client, base, hosts, rate, 5); // the JIT's warm-up, not measured
      ReportLoad.Figures figures = ReportLoad.run(client, base, hosts, rate, 20);
      app.flushHistory();
      return figures.lines(name + "_");
    }
  }
}
