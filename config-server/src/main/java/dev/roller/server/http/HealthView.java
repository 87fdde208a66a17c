package dev.roller.server.http;

import dev.roller.repo.Problem;
import dev.roller.server.rollout.ReportHistory;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.snapshot.Rejected;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.IntSupplier;
import org.xnio.management.XnioWorkerMXBean;

/**
 * {@code GET /health}: 200 once a commit and every report are loaded ({@code ok}, or {@code
 * degraded} naming why: a rejected commit, a failing fetch, a stale repo or report index, every
 * thread of a pool busy), 503 while starting; with the threads, long-polls and report index as
 * they are now.
 */
final class HealthView {
  private final Snapshots snapshots;
  private final ReportIndex reports;
  private final ReportHistory history;
  private final Uploads uploads;
  private final Uploads intake;
  private final LongPolls polls;
  /** Requests a worker thread is running now. */
  private final IntSupplier busy;

  HealthView(Snapshots snapshots, ReportIndex reports, ReportHistory history, Uploads uploads, Uploads intake, LongPolls polls,
      IntSupplier busy) {
    this.snapshots = snapshots;
    this.reports = reports;
    this.history = history;
    this.uploads = uploads;
    this.intake = intake;
    this.polls = polls;
    this.busy = busy;
  }

  /** Answered on the I/O thread: no queueing behind worker threads busy with other requests. */
  void send(HttpServerExchange exchange) {
    Snapshot current = snapshots.current();
    Rejected rejected = snapshots.rejected();
    String fetchError = snapshots.lastFetchError();
    String stale = snapshots.staleness();
    String saturated = saturated(exchange);
    ReportIndex.Standing index = reports.standing();
    Map<String, Object> doc;
    int status;
    if (current == null) {
      status = 503;
      doc = Request.map("status", "starting", "error", rejected != null
          ? "no valid commit yet: " + rejected.commit() + " is invalid"
          : fetchError != null ? fetchError : "the first commit is not loaded yet");
    } else if (!reports.loaded() && !reports.failedToLoad()) {
      status = 503; // who is held and who is admitted is not known until every report is read
      doc = Request.map("status", "starting", "commit", current.commit(), "error", "the hosts' reports are still loading");
    } else {
      status = 200;
      boolean degraded = rejected != null || fetchError != null || stale != null || saturated != null || index.stale() != null;
      doc = Request.map("status", degraded ? "degraded" : "ok", "commit", current.commit(),
          "loaded_at", current.loadedAt().toString());
    }
    XnioWorkerMXBean workers = exchange.getConnection().getWorker().getMXBean();
    doc.put("workers", Request.map("busy", busy.getAsInt(), "threads", workers.getMaxWorkerPoolSize(),
        "queued", workers.getWorkerQueueSize()));
    doc.put("uploads", Request.map("busy", uploads.busy(), "threads", uploads.threads(), "queued", uploads.queued()));
    doc.put("report_intake", Request.map("busy", intake.busy(), "threads", intake.threads(), "queued", intake.queued()));
    doc.put("long_polls", Request.map("parked", polls.parked()));
    Map<String, Object> reportsDoc = Request.map("hosts", index.hosts(), "loaded", index.loaded());
    if (!index.loaded()) {
      reportsDoc.put("loading", index.loading() + " of " + index.toLoad() + " read");
    }
    if (index.refreshedAt() != null) {
      reportsDoc.put("refreshed_at", index.refreshedAt().toString());
    }
    if (index.stale() != null) {
      reportsDoc.put("stale", index.stale());
    }
    if (index.lastRefresh() != null) {
      reportsDoc.put("last_refresh", index.lastRefresh());
    }
    if (index.compacted() != null) {
      reportsDoc.put("compacted", index.compacted());
    }
    if (history.lastError() != null) {
      reportsDoc.put("history_error", history.lastError());
    }
    doc.put("reports", reportsDoc);
    if (saturated != null) {
      doc.put("saturated", saturated);
    }
    if (rejected != null) {
      doc.put("rejected", Request.map("commit", rejected.commit(), "at", rejected.at().toString(),
          "problems", rejected.problems().stream().map(Problem::toString).toList()));
    }
    if (fetchError != null) {
      doc.put("fetch_error", fetchError);
    }
    if (stale != null) {
      doc.put("stale", stale);
    }
    exchange.getResponseHeaders().put(Responses.COMMIT_HEADER, current == null ? "" : current.commit());
    Request request = new Request(exchange, snapshots);
    byte[] body = Render.render(doc, Responses.safeFormat(request));
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Responses.safeFormat(request).contentType);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /** Why requests are waiting for a thread (every worker, upload or report thread busy, some queued), or null. */
  private String saturated(HttpServerExchange exchange) {
    XnioWorkerMXBean workers = exchange.getConnection().getWorker().getMXBean();
    if (workers.getWorkerQueueSize() > 0) {
      return "all " + workers.getMaxWorkerPoolSize() + " workers busy, " + workers.getWorkerQueueSize() + " requests waiting";
    }
    return uploads.saturated() != null ? uploads.saturated() : intake.saturated();
  }
}
