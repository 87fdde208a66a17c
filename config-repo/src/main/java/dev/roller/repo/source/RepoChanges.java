package dev.roller.repo.source;

import java.util.List;

/**
 * What changed from one commit's tree to another's ({@link GitRepo#changes}): the paths added or
 * changed, as they are in {@code commit}, and the paths removed; each list in tree order.
 */
public record RepoChanges(String from, String commit, List<RepoEntry> changed, List<String> removed) {
  public RepoChanges {
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
  }

  public int size() {
    return changed.size() + removed.size();
  }
}
