package dev.roller.pkg.manifest;

import java.time.Duration;

/**
 * How roll knows a service is up: an HTTP GET answering 2xx, a TCP connect, or a command exiting
 * 0, within {@code timeout}. {@code target} is a template (rendered by roll).
 */
public record HealthCheck(Kind kind, String target, Duration timeout) {
  public enum Kind {
    HTTP("http"),
    TCP("tcp"),
    COMMAND("command");

    public final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
}
