package dev.roller.server;

import java.time.Duration;

/**
 * The config server's resource limits, in one place (shown by {@code config-server serve --help}
 * and in docs/operations.md): how long a connection may sit idle, how long a client may take to
 * send a request's head, how many connections are kept open at once, and the worker threads for
 * requests that may block, and the two pools that take request bodies once they have arrived
 * whole: one for package uploads (inspected, hashed, stored: seconds for a large one), one for
 * reports and hook calls (small, then a store write), so that uploads held up never keep a
 * host's report waiting.
 *
 * @param idleTimeout a connection with nothing moving for this long is closed
 * @param parseTimeout a request whose head (request line and headers) takes longer is dropped (slowloris)
 * @param noRequestTimeout a connection that sends no request at all for this long is closed
 * @param maxConnections past this many open connections, new ones wait in the kernel's queue until some close
 * @param workers threads for requests that may block (the store, git)
 * @param bodyTimeout a report or upload must arrive whole within this, plus 1 s per MiB it declares
 * @param uploadWorkers threads that inspect and store complete package uploads (never the workers')
 * @param reportWorkers threads that check and keep complete reports and hook calls (never the upload threads)
 */
public record ServerLimits(Duration idleTimeout, Duration parseTimeout, Duration noRequestTimeout, int maxConnections,
    int workers, Duration bodyTimeout, int uploadWorkers, int reportWorkers) {
  /** Longer than the longest long-poll ({@code ?wait=5m}), which is answered before it. */
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(6);
  /** A connection that sends no request at all is closed after this (or the idle timeout, if shorter). */
  public static final Duration NO_REQUEST = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_UPLOAD_WORKERS = 4;
  /** Reports wait on the store more than on the cores: twice the upload threads. */
  public static final int DEFAULT_REPORT_WORKERS = 8;
  /** Complete bodies waiting for an upload thread, per thread; past that an upload is told 503. */
  public static final int UPLOAD_QUEUE_PER_WORKER = 16;

  public ServerLimits {
    if (idleTimeout.isNegative() || idleTimeout.isZero() || parseTimeout.isNegative() || parseTimeout.isZero()
        || noRequestTimeout.isNegative() || noRequestTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (maxConnections < 1 || workers < 1 || uploadWorkers < 1 || reportWorkers < 1) {
      throw new IllegalArgumentException("connections and workers must be at least 1");
    }
  }

  /**
   * The defaults: idle 6 min, request head 10 s, no request 60 s, 10,000 connections, Undertow's
   * worker count, bodies within 30 s (plus 1 s per MiB), 4 upload threads, 8 report threads.
   */
  public static ServerLimits defaults() {
    return withIdle(DEFAULT_IDLE, DEFAULT_MAX_CONNECTIONS, ConfigServerApp.defaultWorkers());
  }

  /**
   * The limits for an idle timeout: a client gets at most that long (and at most 10 s) for a
   * request's head, and (at most 60 s) to send a request at all.
   */
  public static ServerLimits withIdle(Duration idle, int maxConnections, int workers) {
    Duration parse = idle.compareTo(Duration.ofSeconds(10)) < 0 ? idle : Duration.ofSeconds(10);
    Duration none = idle.compareTo(NO_REQUEST) < 0 ? idle : NO_REQUEST;
    return new ServerLimits(idle, parse, none, maxConnections, workers, DEFAULT_BODY_TIMEOUT, DEFAULT_UPLOAD_WORKERS,
        DEFAULT_REPORT_WORKERS);
  }

  public ServerLimits withWorkers(int n) {
    return new ServerLimits(idleTimeout, parseTimeout, noRequestTimeout, maxConnections, n, bodyTimeout, uploadWorkers,
        reportWorkers);
  }

  /** With body deadline {@code timeout} and {@code threads} package upload threads. */
  public ServerLimits withBodies(Duration timeout, int threads) {
    return new ServerLimits(idleTimeout, parseTimeout, noRequestTimeout, maxConnections, workers, timeout, threads, reportWorkers);
  }

  /** With {@code threads} report threads. */
  public ServerLimits withReports(int threads) {
    return new ServerLimits(idleTimeout, parseTimeout, noRequestTimeout, maxConnections, workers, bodyTimeout, uploadWorkers, threads);
  }
}
