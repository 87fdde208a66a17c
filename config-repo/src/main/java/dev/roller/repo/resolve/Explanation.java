package dev.roller.repo.resolve;

import java.util.List;
import java.util.Map;

/**
 * For each param and package of a spec, where its value was written, as {@code path:line}; and,
 * for each param, every level that set it (datacenter, hostclass, host, in that order) with its
 * value, the one that won marked, as Hiera's {@code lookup --explain} does.
 */
public record Explanation(Map<String, String> params, Map<String, String> packages, Map<String, List<Level>> levels) {
  /** One level that set a param: which, where, the value it gave, and whether it is the one the spec has. */
  public record Level(String level, String at, Object value, boolean won) {}

  public Explanation {
    params = dev.roller.repo.model.Params.copyOf(params);
    packages = dev.roller.repo.model.Params.copyOf(packages);
    levels = dev.roller.repo.model.Params.copyOf(levels);
  }

  /** As a document: {@code params} and {@code packages} (path:line of each), then {@code levels} (each param's setters). */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("params", new java.util.LinkedHashMap<>(params));
    out.put("packages", new java.util.LinkedHashMap<>(packages));
    Map<String, Object> byKey = new java.util.LinkedHashMap<>();
    levels.forEach((key, set) -> byKey.put(key, set.stream().map(l -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("level", l.level());
      m.put("at", l.at());
      m.put("value", l.value());
      if (l.won()) {
        m.put("won", true);
      }
      return m;
    }).toList()));
    out.put("levels", byKey);
    return out;
  }
}
