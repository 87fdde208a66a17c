package dev.roller.repo.resolve;

import java.util.Map;

/** For each param and package of a spec, where its value was written, as {@code path:line}. */
public record Explanation(Map<String, String> params, Map<String, String> packages) {
  public Explanation {
    params = dev.roller.repo.model.Params.copyOf(params);
    packages = dev.roller.repo.model.Params.copyOf(packages);
  }
}
