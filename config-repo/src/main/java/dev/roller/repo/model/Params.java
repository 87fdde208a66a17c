package dev.roller.repo.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Unmodifiable, order-keeping copies of maps, shared by the model types. */
public final class Params {
  private Params() {}

  /**
   * An unmodifiable copy that keeps {@code map}'s order (which {@link Map#copyOf} does not); the
   * same instance if it is already one of ours.
   */
  public static <V> Map<String, V> copyOf(Map<String, V> map) {
    if (map.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
