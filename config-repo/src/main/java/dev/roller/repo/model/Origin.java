package dev.roller.repo.model;

import java.util.Map;

/**
 * Where an object and its values were written: the file's path in the repo and, for each value,
 * its line. Keys are {@code "hostclass"}, {@code "params.workers"}, {@code "packages.hello-web"},
 * {@code "peers.0"} and the like. {@code size} is the file's size with its aliases expanded (one
 * per node plus each scalar's characters; 0 when not known): a bound on what it can add to a spec.
 */
public record Origin(String path, Map<String, Integer> lines, long size) {
  public Origin {
    lines = Map.copyOf(lines);
  }

  public Origin(String path, Map<String, Integer> lines) {
    this(path, lines, 0);
  }

  /** The line of {@code key}, or 1 (the file itself) when the value was not written. */
  public int line(String key) {
    Integer line = lines.get(key);
    return line == null ? 1 : line;
  }

  /** {@code path:line} of {@code key}, as errors and {@code ?explain=1} print it. */
  public String at(String key) {
    return path + ":" + line(key);
  }
}
