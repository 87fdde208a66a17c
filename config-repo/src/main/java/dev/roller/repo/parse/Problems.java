package dev.roller.repo.parse;

import dev.roller.repo.Problem;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one file. Not thread-safe: one per file being parsed. */
public final class Problems {
  private final String path;
  private final List<Problem> list = new ArrayList<>();

  public Problems(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }

  public void add(int line, String message) {
    list.add(new Problem(path, line, message));
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public List<Problem> list() {
    return list;
  }
}
