package dev.roller.repo.model;

import java.util.List;
import java.util.Map;

/**
 * A hostclass: {@code hostclasses/<name>.yml}. {@code packages} keeps the file's order, which is
 * the order services start in (and stop in reverse). {@code rollout} is null when the file has no
 * {@code rollout:} (see {@link #rolloutOrNone}).
 */
public record Hostclass(
    String name,
    String description,
    Map<String, String> packages,
    Map<String, Object> params,
    List<String> peers,
    Rollout rollout,
    Origin origin) {
  public Hostclass {
    packages = Params.copyOf(packages);
    params = Params.copyOf(params);
    peers = List.copyOf(peers);
  }

  /** Its rollout, or every host at once ({@link Rollout#NONE}). */
  public Rollout rolloutOrNone() {
    return rollout == null ? Rollout.NONE : rollout;
  }
}
