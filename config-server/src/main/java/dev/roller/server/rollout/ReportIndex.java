package dev.roller.server.rollout;

import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.parse.SafeYaml;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every host's latest report, held in memory (DESIGN §10): loaded from the store when first
 * needed, kept current from the reports this server receives ({@link #kept}) and, for those other
 * servers received, by {@link #refresh}, which lists the store's reports and re-reads only those
 * whose tag changed. Until it has been loaded once, asking it is an {@link IOException}: a
 * decision made on reports that were not read would admit hosts that must be held.
 */
public final class ReportIndex {
  /** A report and its store tag (null: kept here, not listed since); {@code kept}: when, by {@link System#nanoTime}. */
  private record Held(String tag, Report report, long kept) {}

  private final PackageStore store;
  private final SafeYaml.Limits limits;
  private final Map<String, Held> byHost = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private volatile boolean loaded;

  public ReportIndex(PackageStore store, SafeYaml.Limits limits) {
    this.store = store;
    this.limits = limits;
  }

  /** {@code host}'s latest report, or empty when it never reported. */
  public Optional<Report> get(String host) throws IOException {
    if (!loaded) {
      refresh();
    }
    Held held = byHost.get(host);
    return held == null ? Optional.empty() : Optional.of(held.report());
  }

  /** Whether the store's reports have been read once (until then, asking may read the store). */
  public boolean loaded() {
    return loaded;
  }

  /** Bumped whenever a report changes: what was decided on the reports before may be stale. */
  public long version() {
    return version.get();
  }

  /** A report this server has just put in the store, as it was kept. */
  public void kept(String host, Map<?, ?> doc) {
    byHost.put(host, new Held(null, Report.of(host, doc), System.nanoTime()));
    version.incrementAndGet();
  }

  /** Brings the index up to the store: reports added or replaced are read, removed ones dropped. */
  public synchronized void refresh() throws IOException {
    long listed = System.nanoTime();
    Map<String, String> tags = store.reportTags();
    boolean changed = false;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      Held held = byHost.get(e.getKey());
      if (held != null && e.getValue().equals(held.tag())) {
        continue;
      }
      long reading = System.nanoTime();
      Optional<byte[]> bytes = store.report(e.getKey());
      if (bytes.isEmpty()) {
        continue;
      }
      Report report;
      try {
        Object doc = SafeYaml.load(new String(bytes.get(), java.nio.charset.StandardCharsets.UTF_8), limits);
        report = doc instanceof Map<?, ?> m ? Report.of(e.getKey(), m) : Report.unreadable(e.getKey(), "not a mapping");
      } catch (SafeYaml.Refused r) {
        report = Report.unreadable(e.getKey(), r.getMessage());
      }
      Held read = new Held(e.getValue(), report, reading);
      // One kept here while this was being read is newer than what was read: it stays.
      byHost.compute(e.getKey(), (host, now) -> now != null && now.kept() > reading ? now : read);
      changed = true;
    }
    Set<String> gone = new HashSet<>(byHost.keySet());
    gone.removeAll(tags.keySet());
    for (String host : gone) {
      Held held = byHost.get(host);
      if (held != null && held.kept() < listed) { // one kept here after the listing began is not gone
        byHost.remove(host);
        changed = true;
      }
    }
    if (changed) {
      version.incrementAndGet();
    }
    loaded = true;
  }
}
