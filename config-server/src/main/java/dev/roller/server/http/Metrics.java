package dev.roller.server.http;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.PackageStore;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters, exposed at {@code /metrics} in the Prometheus text format. Thread-safe. */
final class Metrics {
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private record Key(String route, int status) {}

  private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder[]> latency = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> latencyCount = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.DoubleAdder> latencySum = new ConcurrentHashMap<>();

  void record(String route, int status, long nanos) {
    requests.computeIfAbsent(new Key(route, status), k -> new LongAdder()).increment();
    double seconds = nanos / 1e9;
    LongAdder[] buckets = latency.computeIfAbsent(route, k -> {
      LongAdder[] b = new LongAdder[BUCKETS.length];
      for (int i = 0; i < b.length; i++) {
        b[i] = new LongAdder();
      }
      return b;
    });
    for (int i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]) {
        buckets[i].increment();
      }
    }
    latencyCount.computeIfAbsent(route, k -> new LongAdder()).increment();
    latencySum.computeIfAbsent(route, k -> new java.util.concurrent.atomic.DoubleAdder()).add(seconds);
  }

  String render(Snapshots snapshots, PackageStore store) {
    StringBuilder out = new StringBuilder(2048);
    out.append("# HELP roller_http_requests_total Requests answered, by route and status.\n");
    out.append("# TYPE roller_http_requests_total counter\n");
    new TreeMap<String, Long>(requests.entrySet().stream().collect(java.util.stream.Collectors.toMap(
        e -> "route=\"" + e.getKey().route() + "\",status=\"" + e.getKey().status() + "\"", e -> e.getValue().sum())))
        .forEach((labels, n) -> out.append("roller_http_requests_total{").append(labels).append("} ").append(n).append('\n'));
    out.append("# HELP roller_http_request_duration_seconds Time to answer, by route.\n");
    out.append("# TYPE roller_http_request_duration_seconds histogram\n");
    for (String route : new TreeMap<>(latency).keySet()) {
      LongAdder[] buckets = latency.get(route);
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append("roller_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"")
            .append(BUCKETS[i]).append("\"} ").append(buckets[i].sum()).append('\n');
      }
      long count = latencyCount.get(route).sum();
      out.append("roller_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ").append(count).append('\n');
      out.append("roller_http_request_duration_seconds_sum{route=\"").append(route).append("\"} ").append(latencySum.get(route).sum()).append('\n');
      out.append("roller_http_request_duration_seconds_count{route=\"").append(route).append("\"} ").append(count).append('\n');
    }
    Snapshot current = snapshots.current();
    out.append("# HELP roller_snapshot_info The commit served.\n# TYPE roller_snapshot_info gauge\n");
    if (current != null) {
      out.append("roller_snapshot_info{commit=\"").append(current.commit()).append("\"} 1\n");
      out.append("# HELP roller_snapshot_age_seconds Time since the commit served was loaded.\n# TYPE roller_snapshot_age_seconds gauge\n");
      out.append("roller_snapshot_age_seconds ").append(Duration.between(current.loadedAt(), Instant.now()).toMillis() / 1000.0).append('\n');
      out.append("# HELP roller_snapshot_hosts Hosts in the commit served.\n# TYPE roller_snapshot_hosts gauge\n");
      out.append("roller_snapshot_hosts ").append(current.repo().hosts().size()).append('\n');
    }
    out.append("# HELP roller_rejected_commits_total Commits that failed validation and were not served.\n");
    out.append("# TYPE roller_rejected_commits_total counter\n");
    out.append("roller_rejected_commits_total ").append(snapshots.rejectedCount()).append('\n');
    if (store instanceof CachingStore cache) {
      out.append("# HELP roller_store_cache_hits_total Package reads served from the local cache.\n# TYPE roller_store_cache_hits_total counter\n");
      out.append("roller_store_cache_hits_total ").append(cache.hits()).append('\n');
      out.append("# HELP roller_store_cache_misses_total Package reads that downloaded from S3.\n# TYPE roller_store_cache_misses_total counter\n");
      out.append("roller_store_cache_misses_total ").append(cache.misses()).append('\n');
    }
    return out.toString();
  }
}
