package dev.roller.server.rollout;

import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.parse.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every host's last reports (DESIGN §10), kept in the store beside the latest ({@link
 * PackageStore#history}): read newest first (at most {@code keep}), and trimmed to {@code keep}
 * every {@link #TRIM_EVERY}th report of a host (its {@code report_number}, which the server counts
 * from the report before), on a thread of its own, so a report's answer never waits on the trim
 * and a report costs its two puts, not a listing too: the store holds from {@code keep} to
 * {@code keep + TRIM_EVERY - 1} of a host's reports, the history shows the newest {@code keep}. Trims asked
 * for while one is waiting are one trim; past {@link #MAX_PENDING} hosts waiting, a trim is left
 * to the host's next report (its history is a few reports longer meanwhile, never lost).
 */
public final class ReportHistory implements AutoCloseable {
  static final int MAX_PENDING = 10_000;
  /** A host's history is trimmed at every report whose number is a multiple of this. */
  public static final int TRIM_EVERY = 10;

  private final PackageStore store;
  private final SafeYaml.Limits limits;
  private final int keep;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final ExecutorService trimmer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "history-trimmer");
    t.setDaemon(true);
    return t;
  });
  private volatile String lastError;

  public ReportHistory(PackageStore store, SafeYaml.Limits limits, int keep) {
    this.store = store;
    this.limits = limits;
    this.keep = keep;
  }

  /** {@code host}'s kept reports, newest first (at most the number kept); an unreadable one says why. */
  public List<Report> of(String host) throws IOException {
    List<Report> out = new ArrayList<>();
    for (byte[] bytes : store.history(host, keep)) {
      try {
        Object doc = SafeYaml.load(new String(bytes, StandardCharsets.UTF_8), limits);
        out.add(doc instanceof Map<?, ?> m ? Report.of(host, m) : Report.unreadable(host, "not a mapping"));
      } catch (SafeYaml.Refused r) {
        out.add(Report.unreadable(host, r.getMessage()));
      }
    }
    return out;
  }

  /** Trims {@code host}'s history soon. */
  public void trimLater(String host) {
    if (pending.size() >= MAX_PENDING || !pending.add(host)) {
      return;
    }
    trimmer.execute(() -> {
      pending.remove(host);
      try {
        store.trimHistory(host, keep);
        lastError = null;
      } catch (IOException | RuntimeException e) {
        lastError = "cannot trim the history of " + host + ": " + e.getMessage();
      }
    });
  }

  /** Why the last trim failed, or null. */
  public String lastError() {
    return lastError;
  }

  /** Waits (at most a minute) until every trim asked for before this call is done. */
  public void flush() throws IOException {
    try {
      trimmer.submit(() -> {}).get(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the history trims", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the history trims did not finish: " + e, e);
    }
  }

  @Override
  public void close() {
    trimmer.shutdownNow();
  }
}
