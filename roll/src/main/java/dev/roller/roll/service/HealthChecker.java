package dev.roller.roll.service;

import dev.roller.host.HostLayout;
import dev.roller.pkg.manifest.HealthCheck;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Checks that a service came up: an HTTP GET answering 2xx, a TCP connect, or a command exiting
 * 0, tried again until it passes or its timeout runs out. Each attempt has its own short bound.
 */
public final class HealthChecker {
  /** The outcome: passed, or the last reason it did not. */
  public record Result(boolean healthy, String detail) {}

  /** What a failed check says when the service's own process is gone. */
  public static final String EXITED = "its process exited";
  private static final Duration PAUSE = Duration.ofMillis(20);
  private static final Duration ATTEMPT = Duration.ofSeconds(5);
  private static final Duration MIN_RETRY = Duration.ofMillis(100);

  private final HostLayout layout;

  public HealthChecker(HostLayout layout) {
    this.layout = layout;
  }

  /**
   * Tries {@code check} (its target already rendered) until it passes or its timeout runs out. A
   * retry starts only with at least {@link #MIN_RETRY} left, and a retry cut short by the deadline
   * never hides the reason an earlier, whole attempt gave.
   */
  public Result await(HealthCheck check) {
    return await(check, () -> true);
  }

  /**
   * As above, for the service whose process {@code alive} watches: once it is gone the check
   * fails at once, whatever its target says (another process may answer the port it never bound).
   */
  public Result await(HealthCheck check, java.util.function.BooleanSupplier alive) {
    Instant deadline = Instant.now().plus(check.timeout());
    String last = null;
    while (true) {
      if (!alive.getAsBoolean()) {
        return new Result(false, EXITED + (last == null ? "" : " (the check said: " + last + ")"));
      }
      Duration left = Duration.between(Instant.now(), deadline);
      Duration bound = left.compareTo(ATTEMPT) < 0 ? left : ATTEMPT;
      Attempt attempt = attempt(check, bound.isNegative() || bound.isZero() ? Duration.ofMillis(1) : bound);
      if (attempt.healthy()) {
        return new Result(true, check.kind().key + " " + check.target() + ": ok");
      }
      if (last == null || !attempt.timedOut()) {
        last = attempt.reason();
      }
      if (Instant.now().plus(PAUSE).plus(MIN_RETRY).isAfter(deadline)) {
        return new Result(false, check.kind().key + " " + check.target() + " failed for " + check.timeout().toMillis()
            + " ms: " + last);
      }
      try {
        Thread.sleep(PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(false, "interrupted");
      }
    }
  }

  /** One attempt's outcome: healthy when {@code reason} is null; timedOut when it ran out of its bound. */
  private record Attempt(String reason, boolean timedOut) {
    static final Attempt HEALTHY = new Attempt(null, false);

    boolean healthy() {
      return reason == null;
    }
  }

  /** One attempt, bounded by {@code bound}. */
  private Attempt attempt(HealthCheck check, Duration bound) {
    try {
      return switch (check.kind()) {
        case HTTP -> {
          HttpURLConnection c = (HttpURLConnection) URI.create(check.target()).toURL().openConnection();
          try {
            int millis = (int) Math.max(1, bound.toMillis());
            c.setConnectTimeout(millis);
            c.setReadTimeout(millis);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            int status = c.getResponseCode();
            try (java.io.InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
              if (body != null) {
                body.readNBytes(1 << 16);
              }
            }
            yield status / 100 == 2 ? Attempt.HEALTHY : new Attempt("HTTP " + status, false);
          } finally {
            c.disconnect();
          }
        }
        case TCP -> {
          int colon = check.target().lastIndexOf(':');
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(check.target().substring(0, colon),
                Integer.parseInt(check.target().substring(colon + 1))), (int) Math.max(1, bound.toMillis()));
          }
          yield Attempt.HEALTHY;
        }
        case COMMAND -> {
          Process process = new ProcessBuilder("/bin/sh", "-c", check.target())
              .directory(layout.usrLocal().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true).start();
          if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            yield new Attempt("the command did not finish within " + bound.toMillis() + " ms", true);
          }
          String output = new String(process.getInputStream().readNBytes(500)).strip();
          yield process.exitValue() == 0 ? Attempt.HEALTHY
              : new Attempt("exit " + process.exitValue() + (output.isEmpty() ? "" : ": " + output), false);
        }
      };
    } catch (SocketTimeoutException e) {
      return new Attempt(describe(e), true);
    } catch (IOException | IllegalArgumentException e) {
      return new Attempt(describe(e), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Attempt("interrupted", false);
    }
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
