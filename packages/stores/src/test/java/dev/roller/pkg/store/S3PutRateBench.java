package dev.roller.pkg.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * bench/s3-put-rate (not a test: surefire runs it only when named, -Dtest=S3PutRateBench): how many
 * reports a second S3Proxy's in-memory store keeps ({@link S3Store#putReport}: two small puts each,
 * the latest and its history entry), in a process of its own, from 64 threads: three rounds of
 * 10,000 reports (the JIT warms in the first two). The ceiling the fleet-100k report figures are
 * measured against. {@code -Ds3rate.dir=FOLDER}: S3Proxy's filesystem store in that folder instead.
 * Figures go to {@code s3rate.out}.
 */
class S3PutRateBench {
  @Test
  void run() throws Exception {
    String folder = System.getProperty("s3rate.dir");
    try (S3ProxyServer.Spawned s3 = S3ProxyServer.spawn("2g", folder == null ? null : java.nio.file.Path.of(folder))) {
      S3ProxyServer.createBucket(s3.endpoint(), "rate-test");
      S3Store store = S3Store.create(S3ProxyServer.settings(s3.endpoint(), "rate-test", "roller")
          .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(60)));
      byte[] body = ("host: h.dc1.example.com\nresult: applied\ncommit: " + "a".repeat(40) + "\ngeneration: 3\n").repeat(3).getBytes();
      ExecutorService pool = Executors.newFixedThreadPool(64);
      StringBuilder figures = new StringBuilder();
      for (int round = 0; round < 3; round++) {
        int n = 10000;
        long t = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int k = i;
          fs.add(pool.submit(() -> store.putReport("h" + k + ".dc1.example.com", body)));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        double s = (System.nanoTime() - t) / 1e9;
        figures.append("round").append(round).append("_reports_per_s=").append(Math.round(n / s)).append('\n');
      }
      pool.shutdown();
      store.close();
      java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("s3rate.out", "s3rate.out")), figures);
    }
  }
}
