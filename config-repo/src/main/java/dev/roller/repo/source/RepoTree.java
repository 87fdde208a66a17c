package dev.roller.repo.source;

import java.util.List;

/**
 * Every path of a config repo at one commit (or in one folder), sorted by path. {@code commit} is
 * the full commit id, or null for a plain folder.
 */
public record RepoTree(String commit, List<RepoEntry> entries) {
  /** No file of a config repo needs more; a larger one is reported, never read. */
  public static final long MAX_FILE_BYTES = 1 << 20;

  public RepoTree {
    entries = List.copyOf(entries);
  }
}
