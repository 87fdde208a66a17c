package dev.roller.server.snapshot;

import dev.roller.repo.Problem;
import java.time.Instant;
import java.util.List;

/** A commit that failed validation: never served; {@code /health} names it and its problems. */
public record Rejected(String commit, List<Problem> problems, Instant at) {
  public Rejected {
    problems = List.copyOf(problems);
  }
}
