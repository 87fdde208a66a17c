package dev.roller.repo;

import java.util.List;

/**
 * The config-repo module's one exception: a repo that cannot be read (no such folder, not a git
 * repository, unknown revision), or one that was read and is invalid, in which case {@link
 * #problems()} lists every problem found, sorted by file and line.
 */
public class ConfigRepoException extends Exception {
  private final List<Problem> problems;

  public ConfigRepoException(String message) {
    this(message, null);
  }

  public ConfigRepoException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of();
  }

  public ConfigRepoException(List<Problem> problems) {
    super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the config repo");
    this.problems = problems.stream().sorted().toList();
  }

  public List<Problem> problems() {
    return problems;
  }
}
