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

  private final RepoSource source;
  private final String branch;
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

  public Snapshots(RepoSource source, String branch) {
    this.source = source;
    this.branch = branch;
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
  public synchronized String refresh() {
    try {
      source.fetch();
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
        rejected = new Rejected(head, e.problems(), Instant.now());
        rejectedCount.incrementAndGet();
      }
    } catch (ConfigRepoException e) {
      lastFetchError = e.getMessage();
    }
    Snapshot served = current;
    return served == null ? null : served.commit();
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

  /** Resolves {@code rev} to a full commit id without loading it. */
  public String resolve(String rev) throws ConfigRepoException {
    return source.git().resolve(rev);
  }

  private Snapshot load(String commit) throws ConfigRepoException {
    RepoTree tree = source.git().read(commit);
    ConfigRepo repo = ConfigRepo.load(tree);
    Map<String, byte[]> files = new HashMap<>();
    for (RepoEntry entry : tree.entries()) {
      if (entry.type() == RepoEntry.Type.FILE) {
        files.put(entry.path(), entry.bytes());
      }
    }
    return new Snapshot(commit, repo, Map.copyOf(files), Instant.now());
  }
}
