package dev.roller.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet's summary, kept up to date host by host as reports come in, is the one worked out
 * afresh over every host: the same rows, states and counts per datacenter and hostclass.
 */
class FleetSummaryTest {
  static final int HOSTS = 300;

  @TempDir Path dir;
  ReportIndex reports;
  Rollouts rollouts;
  Snapshot snapshot;

  @BeforeEach
  void start() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("datacenters/dc2.yml", "description: second\n");
    repo.write("hostclasses/db.yml", "description: db tier\npackages:\n  foreman: 1.0.0\n");
    for (int i = 0; i < HOSTS; i++) {
      repo.write("hosts/" + host(i) + ".yml", "hostclass: " + (i % 3 == 0 ? "db" : "web") + "\ndatacenter: dc" + (1 + i % 2) + "\n");
    }
    repo.commit("hosts");
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    snapshots.refresh();
    snapshot = snapshots.current();
    reports = new ReportIndex(new FilesystemStore(dir.resolve("store")), ReportViews.REPORT_LIMITS, Duration.ofHours(1));
    reports.refresh();
    rollouts = new Rollouts(reports, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    reports.close();
  }

  static String host(int i) {
    return "h" + i + ".dc" + (1 + i % 2) + ".example.com";
  }

  /** A report that leaves {@code host} in sync, drifted, failing or unreadable (or, for a stranger, nowhere). */
  private Map<String, Object> report(Random random, String host) {
    Map<String, Object> doc = new LinkedHashMap<>();
    String target = snapshot.repo().hosts().containsKey(host) ? rollouts.target(snapshot, host) : "0".repeat(64);
    switch (random.nextInt(4)) {
      case 0 -> {
        doc.put("result", "ok");
        doc.put("running", target);
      }
      case 1 -> {
        doc.put("result", "ok");
        doc.put("running", "f".repeat(64));
      }
      case 2 -> {
        doc.put("result", "failed");
        doc.put("error", "health check of web failed");
      }
      default -> {
        doc.put("result", "ok");
        doc.put("running", "not a digest");
      }
    }
    return doc;
  }

  private static Map<String, Object> counts(Fleet.Summary summary) {
    Map<String, Object> doc = new TreeMap<>();
    summary.grid().forEach((dc, byHc) -> byHc.forEach((hc, c) -> doc.put(dc + "/" + hc, c.document())));
    doc.put("total", summary.totals().document());
    return doc;
  }

  @Test
  void reportsComingInChangeTheSummaryAsWorkingItOutAfreshWould() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Fleet fleet = new Fleet(reports, rollouts);
    Fleet.Summary first = fleet.summary(snapshot);
    assertEquals(HOSTS + 1, first.totals().of(Fleet.State.NEVER_REPORTED), "these and the repo's web1");
    for (int round = 0; round < 200; round++) {
      for (int n = random.nextInt(6); n > 0; n--) {
        int i = random.nextInt(HOSTS + 10);
        String host = i < HOSTS ? host(i) : "stranger" + i + ".dc1.example.com";
        reports.kept(host, report(random, host), null);
      }
      Fleet.Summary kept = fleet.summary(snapshot);
      Fleet.Summary afresh = new Fleet(reports, rollouts).summary(snapshot);
      String where = "seed " + seed + ", round " + round;
      assertSame(first.positions(), kept.positions(), where + ": worked out from the summary before, not afresh");
      assertEquals(afresh.rows().size(), kept.rows().size(), where);
      for (int i = 0; i < afresh.rows().size(); i++) {
        assertEquals(afresh.rows().get(i), kept.rows().get(i), where + ", row " + i);
      }
      assertEquals(counts(afresh), counts(kept), where);
      assertEquals(afresh.select(Fleet.State.FAILING, "web", "dc2"), kept.select(Fleet.State.FAILING, "web", "dc2"), where);
    }
    Map<String, Object> before = counts(fleet.summary(snapshot));
    Map<String, ?> all = reports.all();
    assertEquals(List.of(), fleet.summary(snapshot).select(Fleet.State.NEVER_REPORTED, null, null).stream()
        .filter(r -> all.containsKey(r.host().name())).toList(), "no host that reported counts as never reported");

    // More changes than the index remembers: the summary is worked out afresh, and still agrees.
    for (int i = 0; i <= ReportIndex.LOG; i++) {
      reports.kept(host(i % HOSTS), report(random, host(i % HOSTS)), null);
    }
    Fleet.Summary rebuilt = fleet.summary(snapshot);
    assertNotSame(first.positions(), rebuilt.positions());
    assertEquals(counts(new Fleet(reports, rollouts).summary(snapshot)), counts(rebuilt));
    assertEquals(HOSTS + 1, rebuilt.totals().total(), "seed " + seed + "; before: " + before);
  }
}
