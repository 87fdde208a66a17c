package dev.roller.server.rollout;

import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoreKeys;
import dev.roller.repo.parse.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every host's latest report, held in memory (DESIGN §10): loaded from the store at start, kept
 * current from the reports this server receives ({@link #kept}) and, for those other servers
 * received, by {@link #refresh}, which lists the store's reports (one listing, paged) and re-reads,
 * {@link #READERS} at a time, only those whose tag changed since the last look. Until it has been
 * loaded once, asking it waits for the load (at most {@link #LOAD_WAIT}), then is an {@link
 * IOException}: a decision made on reports that were not read would admit hosts that must be held.
 * A listing or read that fails keeps what the index had, and {@link #stale} says why.
 *
 * <p>So that a start costs one listing and the reads of what changed, not one read per host, the
 * index is kept compacted in the store too ({@link PackageStore#reportIndex}: every report with
 * its tag, one gzipped JSON object): the first refresh starts from it, and after a refresh that
 * changed something the index writes it again, at most every {@code compactEvery} (and once soon
 * after a start). Servers sharing a store each write it; whichever wrote last, an entry whose tag
 * no longer matches the listing is read again, so an old one costs reads, never a wrong answer.
 */
public final class ReportIndex implements AutoCloseable {
  /** Reports read from the store at once. */
  static final int READERS = 32;
  /** How long a question asked before the first load waits for it. */
  static final Duration LOAD_WAIT = Duration.ofSeconds(20);
  /** How often, by default, the compacted index is written (when something changed). */
  public static final Duration COMPACT_EVERY = Duration.ofMinutes(5);
  /** A report and its store tag (null: kept here, not listed since); {@code kept}: when, by {@link System#nanoTime}. */
  private record Held(String tag, Report report, long kept) {}

  /** Where the index stands: hosts held, whether loaded, when it last matched the store, and why it may not now. */
  public record Standing(int hosts, boolean loaded, int loading, int toLoad, Instant refreshedAt, String stale,
      String compacted, String lastRefresh) {}

  private final PackageStore store;
  private final SafeYaml.Limits limits;
  private final Map<String, Held> byHost = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final CountDownLatch firstLoad = new CountDownLatch(1);
  private final AtomicInteger read = new AtomicInteger();
  private final ExecutorService readers;
  private volatile int toRead;
  private volatile Instant refreshedAt;
  private volatile String stale;
  private final Duration compactEvery;
  /** Reports changed since the compacted index last matched this one. */
  private final AtomicInteger uncompacted = new AtomicInteger();
  private boolean seeded;
  private long compactedAt;
  /** How the first refresh began (from the compacted index or not), and how the last write of it went. */
  private volatile String seededFrom;
  /** What the last refresh listed and read, and how long each took. */
  private volatile String lastRefresh;
  /** The hosts of the last {@link #LOG} changes: slot {@code v % LOG} holds the host of change {@code v}. */
  public static final int LOG = 8192;
  private final String[] changedHost = new String[LOG];
  private final long[] changedAt = new long[LOG];
  private volatile String written;

  public ReportIndex(PackageStore store, SafeYaml.Limits limits) {
    this(store, limits, COMPACT_EVERY);
  }

  public ReportIndex(PackageStore store, SafeYaml.Limits limits, Duration compactEvery) {
    this.store = store;
    this.limits = limits;
    this.compactEvery = compactEvery;
    this.readers = Executors.newFixedThreadPool(READERS, r -> {
      Thread t = new Thread(r, "report-reader");
      t.setDaemon(true);
      return t;
    });
  }

  /** {@code host}'s latest report, or empty when it never reported. */
  public Optional<Report> get(String host) throws IOException {
    awaitLoaded();
    Held held = byHost.get(host);
    return held == null ? Optional.empty() : Optional.of(held.report());
  }

  /** Every host's latest report, as held now (a view: it changes as reports come in). */
  public Map<String, Report> all() throws IOException {
    awaitLoaded();
    return new java.util.AbstractMap<>() {
      @Override
      public Report get(Object host) {
        Held held = byHost.get(host);
        return held == null ? null : held.report();
      }

      @Override
      public boolean containsKey(Object host) {
        return byHost.containsKey(host);
      }

      @Override
      public int size() {
        return byHost.size();
      }

      @Override
      public Set<Entry<String, Report>> entrySet() {
        Set<Entry<String, Report>> out = new HashSet<>();
        byHost.forEach((h, held) -> out.add(Map.entry(h, held.report())));
        return out;
      }
    };
  }

  /** Waits for the first load; one that failed (the store cannot be read) is said at once, not waited on. */
  private void awaitLoaded() throws IOException {
    try {
      if (stale == null && firstLoad.await(LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS) || loaded()) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Standing s = standing();
    throw new IOException("the report index is still loading (" + s.loading() + " of " + s.toLoad() + " reports read"
        + (s.stale() == null ? "" : "; " + s.stale()) + ")");
  }

  /** Whether a load was tried and failed before the store's reports were read once. */
  public boolean failedToLoad() {
    return !loaded() && stale != null;
  }

  /** Whether the store's reports have been read once. */
  public boolean loaded() {
    return firstLoad.getCount() == 0;
  }

  /** Where the index stands now. */
  public Standing standing() {
    return new Standing(byHost.size(), loaded(), read.get(), toRead, refreshedAt, stale,
        written == null ? seededFrom : seededFrom + "; " + written, lastRefresh);
  }

  /** Bumped whenever a report changes: what was decided on the reports before may be stale. */
  public long version() {
    return version.get();
  }

  /**
   * A report this server has just put in the store, as it was kept, with the tag the store gave it
   * (null if it cannot tell: the next refresh reads it back).
   */
  public void kept(String host, Map<?, ?> doc, String tag) {
    byHost.put(host, new Held(tag, Report.of(host, doc), System.nanoTime()));
    changed(host);
    uncompacted.incrementAndGet();
  }

  /**
   * Brings the index up to the store: reports added or replaced are read, removed ones dropped. A
   * failure keeps every report read before it (and what the index had), marks the index stale and
   * is thrown; the next refresh reads what is still missing.
   */
  public synchronized void refresh() throws IOException {
    if (!seeded) {
      seeded = true;
      seed();
    }
    long listed = System.nanoTime();
    Map<String, String> tags;
    try {
      tags = store.reportTags();
    } catch (IOException | RuntimeException e) {
      throw stale("cannot list the reports in the store: " + e.getMessage(), e);
    }
    long listMillis = (System.nanoTime() - listed) / 1_000_000;
    long reading = System.nanoTime();
    List<Map.Entry<String, String>> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      Held held = byHost.get(e.getKey());
      if (held == null || !e.getValue().equals(held.tag())) {
        changed.add(e);
      }
    }
    read.set(0);
    toRead = changed.size();
    List<Future<?>> reads = new ArrayList<>(changed.size());
    for (Map.Entry<String, String> e : changed) {
      reads.add(readers.submit(() -> {
        readOne(e.getKey(), e.getValue());
        return null;
      }));
    }
    String failure = null;
    for (Future<?> f : reads) {
      try {
        f.get();
      } catch (ExecutionException e) {
        failure = failure != null ? failure : e.getCause().getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reads.forEach(r -> r.cancel(true));
        throw stale("interrupted while reading the reports", e);
      }
    }
    Set<String> gone = new HashSet<>(byHost.keySet());
    gone.removeAll(tags.keySet());
    for (String host : gone) {
      Held held = byHost.get(host);
      if (held != null && held.kept() < listed) { // one kept here after the listing began is not gone
        byHost.remove(host);
        changed(host);
        uncompacted.incrementAndGet();
      }
    }
    lastRefresh = "listed " + tags.size() + " reports in " + listMillis + " ms, read the " + changed.size()
        + " changed in " + (System.nanoTime() - reading) / 1_000_000 + " ms";
    if (failure != null) {
      throw stale("cannot read every report in the store (" + read.get() + " of " + changed.size() + " read): " + failure, null);
    }
    stale = null;
    refreshedAt = Instant.now();
    firstLoad.countDown();
    if (uncompacted.get() > 0 && (compactedAt == 0 || System.nanoTime() - compactedAt >= compactEvery.toNanos())) {
      compact();
    }
  }

  /** Starts from the compacted index in the store, if there is one; one that cannot be read is only said. */
  private void seed() {
    try {
      Optional<byte[]> bytes = store.reportIndex(CompactedReports.MAX_BYTES);
      if (bytes.isEmpty()) {
        seededFrom = "no " + StoreKeys.REPORT_INDEX + " in the store yet";
        return;
      }
      long started = System.nanoTime();
      int seededHosts = read(bytes.get());
      everythingChanged();
      seededFrom = "started from " + StoreKeys.REPORT_INDEX + " (" + seededHosts + " reports, read in "
          + (System.nanoTime() - started) / 1_000_000 + " ms)";
    } catch (IOException | RuntimeException e) {
      seededFrom = "cannot read " + StoreKeys.REPORT_INDEX + ", every report is read instead: " + e.getMessage();
    }
  }

  /** Adds the compacted index's reports (those not kept here meanwhile); returns how many it held. */
  private int read(byte[] gzipped) throws IOException {
    return CompactedReports.read(gzipped,
        (host, tag, doc) -> byHost.putIfAbsent(host, new Held(tag, Report.of(host, doc), Long.MIN_VALUE)));
  }

  /** A new version, for a change to {@code host}'s report. */
  private void changed(String host) {
    synchronized (changedAt) {
      long v = version.incrementAndGet();
      int slot = (int) (v % LOG);
      changedHost[slot] = host;
      changedAt[slot] = v;
    }
  }

  /** A new version past every one the change log holds: whatever was worked out before is stale. */
  private void everythingChanged() {
    synchronized (changedAt) {
      version.addAndGet(LOG + 1);
    }
  }

  /**
   * The hosts whose reports changed after {@link #version} {@code since}, or empty when the index
   * no longer knows (more than {@link #LOG} changes since, or a change to everything): what was
   * decided at {@code since} still holds for every host not in the set.
   */
  public Optional<Set<String>> changedSince(long since) {
    synchronized (changedAt) {
      long now = version.get();
      if (now - since > LOG || since > now) {
        return Optional.empty();
      }
      Set<String> out = new HashSet<>();
      for (long v = since + 1; v <= now; v++) {
        int slot = (int) (v % LOG);
        if (changedAt[slot] != v) {
          return Optional.empty();
        }
        out.add(changedHost[slot]);
      }
      return Optional.of(out);
    }
  }

  /** Writes every report held, with its tag, as the store's compacted index. */
  void compact() {
    int changes = uncompacted.getAndSet(0);
    try {
      List<CompactedReports.Entry> entries = new ArrayList<>(byHost.size());
      for (Map.Entry<String, Held> e : byHost.entrySet()) {
        Held held = e.getValue();
        if (held.tag() != null && held.report().problem() == null) {
          // (the others are read again from the store: the tag is not known, or what it held could not be read)
          entries.add(new CompactedReports.Entry(e.getKey(), held.tag(), held.report().document()));
        }
      }
      byte[] compacted = CompactedReports.write(entries);
      store.putReportIndex(compacted);
      compactedAt = System.nanoTime();
      written = "wrote " + StoreKeys.REPORT_INDEX + " at " + Instant.now() + " (" + entries.size() + " reports, " + compacted.length + " bytes)";
    } catch (IOException | RuntimeException e) {
      uncompacted.addAndGet(changes);
      compactedAt = System.nanoTime(); // tried: the next try waits its turn
      written = "cannot write " + StoreKeys.REPORT_INDEX + ": " + e.getMessage();
    }
  }

  private IOException stale(String why, Throwable cause) {
    stale = why + (refreshedAt == null ? "" : "; the index is as of " + refreshedAt);
    return new IOException(why, cause);
  }

  private void readOne(String host, String tag) throws IOException {
    long reading = System.nanoTime();
    Optional<byte[]> bytes = store.report(host);
    if (bytes.isEmpty()) {
      return; // removed since the listing
    }
    Report report;
    try {
      Object doc = SafeYaml.load(new String(bytes.get(), StandardCharsets.UTF_8), limits);
      report = doc instanceof Map<?, ?> m ? Report.of(host, m) : Report.unreadable(host, "not a mapping");
    } catch (SafeYaml.Refused r) {
      report = Report.unreadable(host, r.getMessage());
    }
    Held fresh = new Held(tag, report, reading);
    // One kept here while this was being read is newer than what was read: it stays.
    byHost.compute(host, (h, now) -> now != null && now.kept() > reading ? now : fresh);
    changed(host);
    read.incrementAndGet();
    uncompacted.incrementAndGet();
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
