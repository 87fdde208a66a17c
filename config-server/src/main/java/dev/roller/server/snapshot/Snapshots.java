package dev.roller.server.snapshot;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.source.RepoEntry;
import dev.roller.repo.source.RepoTree;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The commits the server answers from. {@link #current} is the last good commit of the branch,
 * swapped in atomically by {@link #refresh}; requests never wait on git. A commit that fails
 * validation is never served: the last good one stays and {@link #rejected} says why. Snapshots of
 * other commits ({@code ?rev=}) are loaded on demand and kept in a small LRU. Thread-safe.
 */
public final class Snapshots {
  private static final int KEPT_REVISIONS = 16;

  /** Turns a commit's tree into a validated repo: {@link ConfigRepo#load}, or a test's stand-in. */
  public interface Loader {
    ConfigRepo load(RepoTree tree) throws ConfigRepoException;
  }

  private final RepoSource source;
  private final String branch;
  private final Loader loader;
  private volatile Instant lastFetched;
  private volatile Snapshot current;
  private volatile Rejected rejected;
  private volatile String lastFetchError;
  private final java.util.concurrent.atomic.AtomicLong rejectedCount = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.List<java.util.function.Consumer<Snapshot>> swapListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, Snapshot> byCommit = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
      return size() > KEPT_REVISIONS;
    }
  };

  /** With the default loader, a commit is loaded from the one served and the files that changed. */
  private final long maxSpec;

  public Snapshots(RepoSource source, String branch) {
    this(source, branch, ConfigRepo.DEFAULT_MAX_SPEC);
  }

  /** Refusing commits that give a host a spec over {@code maxSpec} bytes. */
  public Snapshots(RepoSource source, String branch, long maxSpec) {
    this.source = source;
    this.branch = branch;
    this.loader = tree -> ConfigRepo.load(tree, maxSpec);
    this.maxSpec = maxSpec;
  }

  /** With a test's stand-in {@code loader}: every commit is loaded whole. */
  public Snapshots(RepoSource source, String branch, Loader loader) {
    this.source = source;
    this.branch = branch;
    this.loader = loader;
    this.maxSpec = -1;
  }

  private final Instant created = Instant.now();
  private volatile java.time.Duration poll;

  /** Tells how often {@link #refresh} is meant to run, so {@link #staleness} can tell when it does not. */
  public void pollEvery(java.time.Duration poll) {
    this.poll = poll;
  }

  /**
   * Why what is served may be out of date, or null: no fetch has succeeded for three polls (the
   * remote is unreachable, or the poller is stuck).
   */
  public String staleness() {
    java.time.Duration every = poll;
    if (every == null) {
      return null;
    }
    Instant last = lastFetched;
    Instant since = last == null ? created : last;
    java.time.Duration age = java.time.Duration.between(since, Instant.now());
    if (age.compareTo(every.multipliedBy(3)) <= 0) {
      return null;
    }
    return (last == null ? "no fetch has succeeded since start, " : "the last successful fetch was ")
        + age.toSeconds() + " s ago (polling every " + every.toMillis() + " ms)";
  }

  /** When the branch was last fetched without error, or null if it never was. */
  public Instant lastFetched() {
    return lastFetched;
  }

  /** The snapshot served, or null before the first good commit. */
  public Snapshot current() {
    return current;
  }

  /** The newest commit that failed validation, if it is newer than the one served. */
  public Rejected rejected() {
    return rejected;
  }

  /** How many commits failed validation since start. */
  public long rejectedCount() {
    return rejectedCount.get();
  }

  /** Calls {@code listener} (on the refreshing thread) with each snapshot swapped in. */
  public void onSwap(java.util.function.Consumer<Snapshot> listener) {
    swapListeners.add(listener);
  }

  /** Why the last fetch failed, or null. */
  public String lastFetchError() {
    return lastFetchError;
  }

  /**
   * Fetches, and if the branch moved, loads its new commit: swapped in if valid, recorded as
   * rejected if not. Returns the commit served afterwards (null if none yet).
   */
  private final Object requests = new Object();
  private long requested;
  private long covered;

  /**
   * A refresh asked for from outside (a git hook): one that begins after this call is made, but
   * shared, so a flood of calls while a fetch runs costs one more fetch, not one each.
   */
  public String requestRefresh() {
    long ticket;
    synchronized (requests) {
      ticket = ++requested;
    }
    synchronized (this) {
      if (covered >= ticket) {
        Snapshot served = current;
        return served == null ? null : served.commit();
      }
      long covering;
      synchronized (requests) {
        covering = requested; // every call made so far is answered by this fetch
      }
      String commit = refresh();
      covered = covering;
      return commit;
    }
  }

  public synchronized String refresh() {
    try {
      source.fetch();
      lastFetched = Instant.now();
      lastFetchError = null;
      String head = source.git().resolve(branch);
      Snapshot served = current;
      Rejected bad = rejected;
      if ((served != null && served.commit().equals(head)) || (bad != null && bad.commit().equals(head))) {
        return served == null ? null : served.commit();
      }
      try {
        Snapshot loaded = load(head);
        current = loaded;
        rejected = null;
        swapListeners.forEach(listener -> listener.accept(loaded));
      } catch (ConfigRepoException e) {
        if (e.problems().isEmpty()) {
          throw e;
        }
        reject(head, e.problems());
      }
    } catch (ConfigRepoException e) {
      lastFetchError = e.getMessage();
    } catch (RuntimeException e) {
      // Never out of here: an exception would cancel the poller's schedule for good.
      lastFetchError = "cannot refresh: " + e;
      System.err.println("config-server: " + lastFetchError);
    }
    Snapshot served = current;
    return served == null ? null : served.commit();
  }

  private void reject(String commit, java.util.List<dev.roller.repo.Problem> problems) {
    rejected = new Rejected(commit, problems, Instant.now());
    rejectedCount.incrementAndGet();
    System.err.println("config-server: commit " + commit + " rejected: " + problems.get(0)
        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more; /health lists them)" : ""));
  }

  /**
   * The snapshot of {@code rev} (a sha, branch or tag).
   *
   * @throws ConfigRepoException an unknown revision (no problems), or an invalid commit (its problems)
   */
  public Snapshot at(String rev) throws ConfigRepoException {
    String commit = source.git().resolve(rev);
    Snapshot served = current;
    if (served != null && served.commit().equals(commit)) {
      return served;
    }
    synchronized (byCommit) {
      Snapshot kept = byCommit.get(commit);
      if (kept != null) {
        return kept;
      }
    }
    Snapshot loaded = load(commit);
    synchronized (byCommit) {
      byCommit.put(commit, loaded);
    }
    return loaded;
  }

  /** The repo's history (diffs, log). */
  public dev.roller.repo.source.History history() {
    return new dev.roller.repo.source.History(source.git());
  }

  /** Fetches the repo's branches and tags now (a local repository needs none). */
  public void fetch() throws ConfigRepoException {
    source.fetch();
  }

  /** Resolves {@code rev} to a full commit id without loading it. */
  public String resolve(String rev) throws ConfigRepoException {
    return source.git().resolve(rev);
  }

  /**
   * Loads {@code commit}: from the snapshot served and the files that changed when it can (a few
   * changed files re-read, the rest reused: the same repo as a whole load, {@link
   * ConfigRepo#update}), whole otherwise (the first commit, a test's loader, a change of the
   * repo's shape).
   */
  private Snapshot load(String commit) throws ConfigRepoException {
    Snapshot base = current;
    if (base != null && maxSpec >= 0) {
      java.util.Optional<dev.roller.repo.source.RepoChanges> changes = source.git().changes(base.commit(), commit);
      if (changes.isPresent()) {
        return update(base, changes.get());
      }
    }
    return loadWhole(commit);
  }

  private Snapshot update(Snapshot base, dev.roller.repo.source.RepoChanges changes) throws ConfigRepoException {
    ConfigRepo repo = ConfigRepo.update(base.repo(), changes, maxSpec);
    Map<String, byte[]> files = new HashMap<>(base.files());
    changes.removed().forEach(files::remove);
    for (RepoEntry entry : changes.changed()) {
      if (entry.type() == RepoEntry.Type.FILE) {
        files.put(entry.path(), entry.bytes());
      } else {
        files.remove(entry.path());
      }
    }
    return new Snapshot(changes.commit(), repo, java.util.Collections.unmodifiableMap(files), Instant.now());
  }

  private Snapshot loadWhole(String commit) throws ConfigRepoException {
    RepoTree tree = source.git().read(commit);
    ConfigRepo repo;
    try {
      repo = loader.load(tree);
    } catch (RuntimeException | StackOverflowError e) {
      throw new ConfigRepoException(java.util.List.of(new dev.roller.repo.Problem("(repo)", 1,
          "cannot load commit " + commit + ": " + e)));
    }
    Map<String, byte[]> files = new HashMap<>();
    for (RepoEntry entry : tree.entries()) {
      if (entry.type() == RepoEntry.Type.FILE) {
        files.put(entry.path(), entry.bytes());
      }
    }
    return new Snapshot(commit, repo, Map.copyOf(files), Instant.now());
  }
}
