package dev.roller.repo;

import java.util.Comparator;

/** One thing wrong with a config repo, printed as {@code path:line: message}. */
public record Problem(String path, int line, String message) implements Comparable<Problem> {
  private static final Comparator<Problem> ORDER =
      Comparator.comparing(Problem::path).thenComparingInt(Problem::line).thenComparing(Problem::message);

  @Override
  public int compareTo(Problem other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return path + ":" + line + ": " + message;
  }
}
