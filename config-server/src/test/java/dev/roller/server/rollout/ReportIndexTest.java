package dev.roller.server.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.repo.parse.SafeYaml;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compacted report index (DESIGN §10) in a real S3 bucket (S3Proxy on 127.0.0.1): a server
 * starting on it reads only the reports whose tag changed since it was written, and ends with the
 * same reports as one that read every report; one that cannot be trusted is set aside whole.
 */
class ReportIndexTest {
  static final int HOSTS = 300;
  static final SafeYaml.Limits LIMITS = SafeYaml.Limits.of(64 << 10);
  static final String COMMIT = "a".repeat(40);

  @TempDir Path dir;
  S3ProxyServer s3;
  S3Store store;

  @BeforeEach
  void start() throws Exception {
    s3 = S3ProxyServer.startInMemory();
    s3.createBucket("fleet");
    store = S3Store.create(s3.settings("fleet", "roller").withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20)));
    for (int i = 0; i < HOSTS; i++) {
      put(i, "ok", 1);
    }
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    s3.close();
  }

  static String host(int i) {
    return "h" + i + ".dc1.example.com";
  }

  private void put(int i, String result, int generation) throws Exception {
    store.putReport(host(i), ("host: " + host(i) + "\nresult: " + result + "\ncommit: " + COMMIT + "\ngeneration: "
        + generation + "\nerror: " + (result.equals("ok") ? "null" : "'disk full'") + "\nverified: false\n"
        + "received_at: '2026-12-02T10:00:00Z'\nservices: {web: {healthy: true, checks: [1, 2.5]}}\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  private ReportIndex loaded() throws Exception {
    ReportIndex index = new ReportIndex(store, LIMITS, Duration.ofHours(1));
    index.refresh();
    return index;
  }

  private static Map<String, Report> reports(ReportIndex index) throws Exception {
    return new TreeMap<>(index.all());
  }

  @Test
  void aStartReadsTheCompactedIndexThenOnlyTheReportsChangedSince() throws Exception {
    ReportIndex first = loaded();
    assertEquals(HOSTS, first.standing().toLoad(), "no compacted index yet: every report is read");
    assertTrue(first.standing().compacted().contains("; wrote index/reports.json.gz"), first.standing().compacted());
    assertTrue(store.reportIndex(1 << 30).isPresent(), "and it is written for the next start");

    put(5, "failed", 2);
    put(6, "failed", 2);
    put(7, "failed", 2);
    store.putReport("new.dc1.example.com", ("result: ok\ncommit: " + COMMIT + "\n").getBytes(StandardCharsets.UTF_8));

    ReportIndex next = loaded();
    assertTrue(next.standing().compacted().startsWith("started from index/reports.json.gz (" + HOSTS + " reports"),
        next.standing().compacted());
    assertEquals(4, next.standing().toLoad(), "only the three replaced and the one added are read");
    first.refresh();
    assertEquals(HOSTS + 1, reports(next).size());
    assertEquals(reports(first), reports(next), "the same reports as reading every one");
    assertEquals("failed", next.get(host(6)).orElseThrow().result());
    first.close();
    next.close();
  }

  @Test
  void aCompactedIndexThatCannotBeReadIsSetAsideAndEveryReportIsRead() throws Exception {
    ReportIndex truth = loaded();
    store.putReportIndex("not gzip at all".getBytes(StandardCharsets.UTF_8));
    ReportIndex index = loaded();
    assertTrue(index.standing().compacted().startsWith("cannot read index/reports.json.gz"), index.standing().compacted());
    assertEquals(HOSTS, index.standing().toLoad());
    assertEquals(reports(truth), reports(index));

    // A host name that is not one (a path, here) spoils the whole object, not only its entry.
    store.putReportIndex(gzip("{\"format\":\"roller-report-index/1\",\"reports\":[{\"host\":\"../../etc\",\"tag\":\"x\","
        + "\"report\":{\"result\":\"ok\"}}]}"));
    ReportIndex hostile = loaded();
    assertTrue(hostile.standing().compacted().contains("is not a host, a tag and a report"), hostile.standing().compacted());
    assertEquals(reports(truth), reports(hostile));
    truth.close();
    index.close();
    hostile.close();
  }

  @Test
  void aReportTheCompactedIndexHoldsForAHostNoLongerInTheStoreIsDropped() throws Exception {
    loaded().close();
    store.putReportIndex(gzip("{\"format\":\"roller-report-index/1\",\"reports\":[{\"host\":\"gone.dc1.example.com\","
        + "\"tag\":\"x\",\"report\":{\"result\":\"failed\",\"commit\":\"" + COMMIT + "\"}}]}"));
    ReportIndex index = loaded();
    assertEquals(HOSTS, index.standing().toLoad(), "none of the store's reports were in it");
    assertTrue(index.get("gone.dc1.example.com").isEmpty(), "what the listing no longer has is not kept");
    index.close();
  }

  @Test
  void theIndexSaysWhichHostsChangedSinceAVersionUntilItNoLongerKnows() throws Exception {
    ReportIndex index = loaded();
    long v = index.version();
    assertEquals(java.util.Optional.of(java.util.Set.of()), index.changedSince(v));
    index.kept(host(1), Map.of("result", "ok", "commit", COMMIT), null);
    index.kept(host(2), Map.of("result", "ok", "commit", COMMIT), null);
    index.kept(host(1), Map.of("result", "failed", "commit", COMMIT), null);
    assertEquals(java.util.Optional.of(java.util.Set.of(host(1), host(2))), index.changedSince(v));
    for (int i = 0; i <= ReportIndex.LOG; i++) {
      index.kept(host(3), Map.of("result", "ok", "commit", COMMIT), null);
    }
    assertTrue(index.changedSince(v).isEmpty(), "more changes than it keeps: it does not know, and says so");
    index.close();
  }

  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
