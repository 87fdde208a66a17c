package dev.roller.pkg.manifest;

import java.time.Duration;

/**
 * A long-running process of a package. {@code run} and {@code reload} are templates of commands
 * (relative paths are under /usr/local); {@code reload} and {@code health} may be null.
 */
public record Service(String name, String run, Duration stopTimeout, String reload, HealthCheck health) {
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
}
