package dev.roller.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rendered answers of the commit being served, for the views whose answer depends only on that
 * commit, and for specs, keyed by what the host's answer depends on (its rollout place; packages
 * once published never change). A hit is sent straight
 * from the I/O thread. Holds one commit's answers at a time: the first answer cached for a newer
 * commit drops the older ones. Bounded in bytes; past the bound answers are computed each time.
 * Thread-safe.
 */
final class ResponseCache {
  /**
   * A kept answer: its bytes, type, ETag and the other headers sent with it (its signature, a
   * spec's rollout line); {@code made} by {@link System#nanoTime}.
   */
  record Entry(byte[] body, String contentType, String etag, java.util.Map<String, String> headers, long made) {}

  private static final long MAX_BYTES = 256L << 20;

  private record Generation(String commit, ConcurrentHashMap<String, Entry> entries, AtomicLong bytes) {
    Generation(String commit) {
      this(commit, new ConcurrentHashMap<>(), new AtomicLong());
    }
  }

  private volatile Generation generation = new Generation("");

  Entry get(String commit, String key) {
    Generation g = generation;
    return g.commit().equals(commit) ? g.entries().get(key) : null;
  }

  /** Keeps {@code entry} for {@code commit}, which must be the commit now served (the caller checks). */
  void put(String commit, String key, Entry entry) {
    Generation g = generation;
    if (!g.commit().equals(commit)) {
      synchronized (this) {
        if (!generation.commit().equals(commit)) {
          generation = new Generation(commit);
        }
        g = generation;
      }
    }
    if (g.bytes().addAndGet(entry.body().length + key.length() + 64) <= MAX_BYTES) {
      g.entries().put(key, entry); // the same answer, or a fresher one for a key whose answer aged
    }
  }
}
