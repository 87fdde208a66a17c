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

  String render(Snapshots snapshots, PackageStore store, dev.roller.server.rollout.Rollouts rollouts, Fleet fleet) {
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
    if (current != null) {
      rollouts(out, current, rollouts);
      fleet(out, current, fleet);
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

  /** Hosts per state (in sync, drifted, failing...) per datacenter and hostclass, from the report index (DESIGN §10). */
  private static void fleet(StringBuilder out, Snapshot current, Fleet fleet) {
    Fleet.Summary summary;
    try {
      summary = fleet.summary(current);
    } catch (ApiException loading) {
      return; // the reports are still loading: no figures rather than wrong ones
    }
    out.append("# HELP roller_hosts Hosts by datacenter, hostclass and state against the commit served.\n# TYPE roller_hosts gauge\n");
    summary.grid().forEach((dc, byHostclass) -> byHostclass.forEach((hc, counts) -> {
      for (Fleet.State state : Fleet.State.values()) {
        out.append("roller_hosts{datacenter=\"").append(dc).append("\",hostclass=\"").append(hc).append("\",state=\"")
            .append(state.slug()).append("\"} ").append(counts.of(state)).append('\n');
      }
    }));
  }

  /** Per hostclass: hosts per rollout state, the wave open and of how many, halted or not (DESIGN §8). */
  private static void rollouts(StringBuilder out, Snapshot current, dev.roller.server.rollout.Rollouts rollouts) {
    StringBuilder hosts = new StringBuilder();
    StringBuilder wave = new StringBuilder();
    StringBuilder waves = new StringBuilder();
    StringBuilder halted = new StringBuilder();
    for (String hc : current.repo().hostclasses().keySet()) {
      dev.roller.server.rollout.Rollouts.HostclassRollout r;
      try {
        r = rollouts.of(current, hc);
      } catch (java.io.IOException e) {
        return; // the reports cannot be read: no rollout figures rather than wrong ones
      }
      String label = "{hostclass=\"" + hc + "\"";
      r.counts().forEach((state, n) -> hosts.append("roller_rollout_hosts").append(label).append(",state=\"")
          .append(state.label).append("\"} ").append(n).append('\n'));
      wave.append("roller_rollout_wave").append(label).append("} ").append(r.openWaves()).append('\n');
      waves.append("roller_rollout_waves").append(label).append("} ").append(r.ends().size()).append('\n');
      halted.append("roller_rollout_halted").append(label).append("} ").append(r.halted() ? 1 : 0).append('\n');
    }
    out.append("# HELP roller_rollout_hosts Hosts of a hostclass by rollout state (done, pending, failed, held).\n")
        .append("# TYPE roller_rollout_hosts gauge\n").append(hosts)
        .append("# HELP roller_rollout_wave The last wave open in a hostclass's rollout.\n# TYPE roller_rollout_wave gauge\n")
        .append(wave)
        .append("# HELP roller_rollout_waves Waves in a hostclass's rollout.\n# TYPE roller_rollout_waves gauge\n").append(waves)
        .append("# HELP roller_rollout_halted 1 when a hostclass's rollout is halted by failures.\n")
        .append("# TYPE roller_rollout_halted gauge\n").append(halted);
  }
}
