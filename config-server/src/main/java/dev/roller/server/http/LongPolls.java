package dev.roller.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parked long-polls ({@code GET /hosts/{fqdn}/spec?wait=D} with {@code If-None-Match}): a request
 * whose answer would be a 304 is held without a thread (the exchange is dispatched to nothing and
 * kept here) until the answer its host would get now has another ETag (a new commit, a wave
 * opening, a hold lifted) or its time is up; then it is answered on a worker thread as any
 * request is (a 200 with the new answer, or the 304). One thread looks at every parked request
 * every {@link #TICK}: the check is a map look-up per request, so 10,000 parked cost nothing.
 */
final class LongPolls implements AutoCloseable {
  /** The longest a request may be held. */
  static final Duration MAX_WAIT = Duration.ofMinutes(5);
  /** How often parked requests are looked at. */
  static final Duration TICK = Duration.ofMillis(250);
  /** Past this many parked requests, a new one is answered at once (its host asks again at its next roll). */
  static final int MAX_PARKED = 100_000;

  /** The ETag {@code host}'s answer would have now, or null when that cannot be said (keep waiting). */
  interface Etags {
    String now(String host);
  }

  private record Parked(HttpServerExchange exchange, String host, String etag, long deadline, HttpHandler again) {}

  private final Map<Long, Parked> parked = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Etags etags;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "long-polls");
    t.setDaemon(true);
    return t;
  });

  LongPolls(Etags etags) {
    this.etags = etags;
    ticker.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Requests parked now. */
  int parked() {
    return parked.size();
  }

  /** Whether one more request may be parked. */
  boolean room() {
    return parked.size() < MAX_PARKED;
  }

  /**
   * Holds {@code exchange}, whose answer now has {@code etag}, until {@code host}'s answer has
   * another or {@code deadline} ({@link System#nanoTime}) passes; then {@code again} answers it on
   * a worker thread. Called from within Undertow's call of a handler, so parking is a dispatch to
   * nothing, and the exchange stays open when the handler returns.
   */
  void park(HttpServerExchange exchange, String host, String etag, long deadline, HttpHandler again) {
    long id = ids.incrementAndGet();
    Parked p = new Parked(exchange, host, etag, deadline, again);
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
      parked.put(id, p);
      // A client that goes away is forgotten at once, not at its deadline.
      exchange.getConnection().addCloseListener(c -> parked.remove(id));
    });
  }

  private void tick() {
    long now = System.nanoTime();
    for (var e : parked.entrySet()) {
      Parked p = e.getValue();
      boolean due = now - p.deadline() >= 0;
      String etag = due ? null : safeEtag(p.host());
      if (due || (etag != null && !etag.equals(p.etag()))) {
        if (parked.remove(e.getKey()) != null) {
          // Not in a handler's call: this runs it on a worker thread, as Undertow runs any handler.
          p.exchange().dispatch(p.exchange().getConnection().getWorker(), p.again());
        }
      }
    }
  }

  private String safeEtag(String host) {
    try {
      return etags.now(host);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
