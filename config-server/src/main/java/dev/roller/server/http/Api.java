package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.Problem;
import dev.roller.server.ServerLimits;
import dev.roller.server.rollout.ReportHistory;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Rejected;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The config server's HTTP API: the route table, in one place, and how each route runs (on the
 * I/O thread from a cache, on a worker, parked as a long-poll); {@link Responses} turns replies
 * and errors into responses.
 */
public final class Api implements AutoCloseable {
  private static final HttpString COMMIT_HEADER = Responses.COMMIT_HEADER;
  /** The cache key a view gives its answer, when the request's path and query are not enough (a spec: its rollout place). */
  static final io.undertow.util.AttachmentKey<String> ANSWER_KEY = io.undertow.util.AttachmentKey.create(String.class);
  /** A cached spec older than this is made again: its issued time stays well inside any max_age. */
  static final long MAX_SPEC_AGE_NANOS = java.time.Duration.ofHours(1).toNanos();

  private final Snapshots snapshots;
  private final RepoViews repo = new RepoViews();
  private final SpecViews specs;
  private final PackageViews packages;
  private final HistoryViews history;
  private final ImpactViews impact;
  private final ReportViews reports;
  private final FleetPage fleetPage;
  private final Fleet fleet;
  private final Rollouts rollouts;
  private final RolloutViews rolloutViews;
  private final Metrics metrics = new Metrics();
  private final LongPolls polls;
  private final Responses responses;
  private volatile HookSecret hookSecret;

  /** {@code --hook-secret-file}: refreshes then need a hook's signature or token made with it (null: open). */
  public Api hookSecret(byte[] secret) {
    this.hookSecret = secret == null ? null : new HookSecret(secret);
    return this;
  }
  /** Requests a worker thread is running now (XNIO's own count is not kept by its pool). */
  private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
  /** A long-poll is answered before the connection's idle timeout would close it. */
  private final java.time.Duration maxWait;
  private final PackageStore store;
  private final ResponseCache cache = new ResponseCache();
  private final ReportHistory reportHistory;
  private final HealthView health;
  private final BootstrapView bootstrap;
  private final Uploads uploads;
  /** Reports and hook calls: small bodies, kept apart from package uploads. */
  private final Uploads intake;
  private final Path uploadDir;
  private final long maxUpload;

  public Api(Snapshots snapshots, PackageStore store, String publishToken, Path uploadDir, long maxUpload,
      ServerLimits limits) {
    this(snapshots, store, publishToken, uploadDir, maxUpload, limits, null);
  }

  /** As above; with a {@code signer}, answers marked {@link Reply#signed} carry {@code X-Roller-Signature}. */
  public Api(Snapshots snapshots, PackageStore store, String publishToken, Path uploadDir, long maxUpload,
      ServerLimits limits, dev.roller.repo.trust.Signatures.Signer signer) {
    this.responses = new Responses(signer);
    this.snapshots = snapshots;
    this.rollouts = new Rollouts(new ReportIndex(store, ReportViews.REPORT_LIMITS), java.time.Clock.systemUTC());
    this.reportHistory = new ReportHistory(store, ReportViews.REPORT_LIMITS, PackageStore.HISTORY);
    this.specs = new SpecViews(store, snapshots, rollouts);
    this.rolloutViews = new RolloutViews(rollouts);
    this.packages = new PackageViews(store, publishToken, maxUpload);
    this.uploads = new Uploads("upload", limits.uploadWorkers(), limits.uploadWorkers() * ServerLimits.UPLOAD_QUEUE_PER_WORKER,
        limits.bodyTimeout());
    this.intake = new Uploads("report", limits.reportWorkers(), limits.reportWorkers() * ServerLimits.UPLOAD_QUEUE_PER_WORKER,
        limits.bodyTimeout());
    this.uploadDir = uploadDir;
    this.maxUpload = maxUpload;
    this.history = new HistoryViews(snapshots);
    this.impact = new ImpactViews(snapshots, new ServicePrediction(store));
    this.fleet = new Fleet(rollouts.reports(), rollouts);
    this.reports = new ReportViews(store, rollouts, reportHistory, snapshots, fleet);
    this.fleetPage = new FleetPage(fleet, rollouts, reportHistory, snapshots);
    this.polls = new LongPolls(specs::etagNow);
    this.maxWait = limits.idleTimeout().minusSeconds(Math.min(5, limits.idleTimeout().toSeconds() / 2));
    this.bootstrap = new BootstrapView(store);
    this.store = store;
    this.health = new HealthView(snapshots, rollouts.reports(), reportHistory, uploads, intake, polls, busy::get);
  }

  public HttpHandler handler() {
    RoutingHandler routes = new RoutingHandler()
        .get("/", view(takes(fleetPage::page, "state", "hostclass", "datacenter", "host", "page")))
        .get("/fleet", view(takes(fleetPage::document, "state", "hostclass", "datacenter", "page")))
        .get("/health", health::send)
        .get("/metrics", new BlockingHandler(this::metrics)) // a worker's: rollout figures read the reports
        .get("/datacenters", cached(view(true, takes(repo::datacenters))))
        .get("/datacenters/{dc}", cached(view(true, takes(repo::datacenter))))
        .get("/hostclasses", cached(view(true, takes(repo::hostclasses))))
        .get("/hostclasses/{hc}", cached(view(true, takes(repo::hostclass))))
        .get("/hostclasses/{hc}/hosts", cached(view(true, takes(repo::hostclassHosts))))
        .get("/hosts", cached(view(true, takes(repo::hosts, "hostclass", "datacenter", "package"))))
        .get("/hosts/{fqdn}", cached(view(true, takes(repo::host))))
        // Not cached: a host's answer changes as its rollout moves, with no new commit.
        .get("/hosts/{fqdn}/spec", cachedSpec(longPolled(takes(specs::spec, "explain", "retry", "wait"))))
        .get("/hosts/{fqdn}/spec/diff", view(takes(history::specDiff, "from", "to")))
        .get("/hosts/{fqdn}/users", cached(view(true, takes(repo::hostUsers))))
        .get("/hosts/{fqdn}/status", view(takes(reports::status)))
        .get("/hosts/{fqdn}/history", view(takes(reports::history)))
        .post("/hosts/{fqdn}/report", intake.inMemory(ReportViews.MAX_REPORT, handle(false, reports::report)))
        .get("/users", cached(view(true, takes(repo::users))))
        .get("/users/{login}", cached(view(true, takes(repo::user))))
        .get("/users/{login}/hosts", cached(view(true, takes(repo::userHosts))))
        .get("/packages", view(takes(packages::packages)))
        .get("/packages/{name}", view(takes(packages::packageInfo)))
        .get("/packages/{name}/{version}", view(takes(packages::packageVersion)))
        .get("/packages/{name}/{version}/tarball", view(takes(packages::tarball)))
        .put("/packages/{name}/{version}", uploads.toFile(uploadDir, maxUpload, this::admitUpload,
            handle(false, packages::publish)))
        .get("/bootstrap", view(takes(bootstrap::bootstrap, "host", "trust")))
        .get("/diff", view(takes(history::diff, "from", "to", "path")))
        .get("/impact", view(impact::impact))
        .get("/log", view(takes(history::log, "path", "limit")))
        .get("/rollouts", view(takes(rolloutViews::rollouts)))
        .get("/rollouts/{hc}", view(takes(rolloutViews::rollout)))
        .post("/hooks/refresh", intake.inMemory(MAX_HOOK_BODY, handle(false, this::refresh)))
        .setFallbackHandler(exchange -> Responses.error(exchange, 404, "no such resource: " + exchange.getRequestPath()))
        .setInvalidMethodHandler(exchange -> Responses.error(exchange, 405,
            exchange.getRequestMethod() + " is not allowed on " + exchange.getRequestPath()));
    return exchange -> {
      long start = System.nanoTime();
      // Recorded as the response is committed (status known, nothing sent yet), so a client that
      // has its answer always finds it counted: time to first byte.
      exchange.addResponseCommitListener(done -> {
        io.undertow.util.PathTemplateMatch match = done.getAttachment(io.undertow.util.PathTemplateMatch.ATTACHMENT_KEY);
        metrics.record(match == null ? "unmatched" : match.getMatchedTemplate(), done.getStatusCode(), System.nanoTime() - start);
      });
      try {
        routes.handleRequest(exchange);
      } catch (RuntimeException e) {
        Responses.internalError(exchange, e);
      }
    };
  }

  /**
   * {@code view}, taking these query keys and the two every view takes ({@code rev}, {@code
   * format}): any other key is a 400 naming the ones it takes, never silently ignored.
   */
  private static Function<Request, Reply> takes(Function<Request, Reply> view, String... keys) {
    java.util.Set<String> allowed = new java.util.HashSet<>(List.of(keys));
    allowed.add("rev");
    allowed.add("format");
    return r -> {
      r.strictQuery(allowed);
      return view.apply(r);
    };
  }

  /** A view run on a worker thread (it may block on the store or git), its answer rendered here. */
  private HttpHandler view(Function<Request, Reply> view) {
    return view(false, view);
  }

  /**
   * As above; a {@code cacheable} view's 200 answers for the commit served are kept in the
   * {@link ResponseCache}, so {@link #cached} can send them from the I/O thread next time.
   */
  private HttpHandler view(boolean cacheable, Function<Request, Reply> view) {
    return new BlockingHandler(handle(cacheable, view));
  }

  /** A view's answer rendered, on whatever thread the caller runs it (a worker, or an upload thread). */
  private HttpHandler handle(boolean cacheable, Function<Request, Reply> view) {
    return exchange -> {
      Request request = new Request(exchange, snapshots);
      busy.incrementAndGet();
      try {
        Reply reply = view.apply(request);
        // Only a document is rendered in a format (a view that answers text, such as /impact's markdown, takes its own).
        ResponseCache.Entry sent = responses.send(exchange, reply, reply.document() != null ? request.format() : Render.Format.YAML);
        Snapshot current = snapshots.current();
        String key = exchange.getAttachment(ANSWER_KEY); // a view that knows what its answer depends on
        if ((cacheable || key != null) && sent != null && request.query("rev") == null && current != null
            && current.commit().equals(reply.commit())) {
          cache.put(reply.commit(), key != null ? key : cacheKey(exchange, request.format()), sent);
        }
      } catch (ApiException e) {
        Responses.failed(exchange, request, snapshots, e);
      } catch (RuntimeException e) {
        Responses.internalError(exchange, e);
      } finally {
        busy.decrementAndGet();
      }
    };
  }

  /**
   * {@code view}, and with {@code ?wait=DURATION} and {@code If-None-Match} a long-poll: when the
   * answer would be that 304, the request is parked ({@link LongPolls}) until the host's answer
   * changes or the wait (at most {@link LongPolls#MAX_WAIT}, and less than the idle timeout) is up.
   */
  private HttpHandler longPolled(Function<Request, Reply> view) {
    HttpHandler now = view(view);
    return exchange -> {
      java.util.Deque<String> wait = exchange.getQueryParameters().get("wait");
      if (wait == null || !exchange.getRequestHeaders().contains(Headers.IF_NONE_MATCH)) {
        now.handleRequest(exchange);
        return;
      }
      java.time.Duration d;
      try {
        d = dev.roller.repo.model.Durations.parse(wait.getFirst());
      } catch (IllegalArgumentException e) {
        Responses.error(exchange, 400, "wait: " + e.getMessage());
        return;
      }
      if (d.compareTo(LongPolls.MAX_WAIT) > 0) {
        d = LongPolls.MAX_WAIT;
      }
      if (d.compareTo(maxWait) > 0) {
        d = maxWait;
      }
      long deadline = System.nanoTime() + d.toNanos();
      String host = exchange.getQueryParameters().get("fqdn").getFirst();
      HttpHandler attempt = new HttpHandler() {
        @Override
        public void handleRequest(HttpServerExchange ex) {
          Request request = new Request(ex, snapshots);
          busy.incrementAndGet();
          try {
            Reply reply = view.apply(request);
            boolean unchanged = reply.status() == 200 && reply.etag() != null && Responses.notModified(ex, reply.etag());
            if (unchanged && System.nanoTime() - deadline < 0 && polls.room()) {
              ex.getResponseHeaders().put(COMMIT_HEADER, reply.commit() == null ? "" : reply.commit());
              polls.park(ex, host, reply.etag(), deadline, this);
              return;
            }
            responses.send(ex, reply, reply.document() != null ? request.format() : Render.Format.YAML);
          } catch (ApiException e) {
            Responses.failed(ex, request, snapshots, e);
          } catch (RuntimeException | java.io.IOException e) {
            Responses.internalError(ex, e instanceof RuntimeException re ? re : new RuntimeException(e));
          } finally {
            busy.decrementAndGet();
          }
        }
      };
      exchange.dispatch(attempt);
    };
  }

  /** Whether an upload may send its body (see {@link PackageViews#admit}); null when it may. */
  private ApiException admitUpload(HttpServerExchange exchange) {
    try {
      packages.admit(new Request(exchange, snapshots));
      return null;
    } catch (ApiException e) {
      return e;
    }
  }

  /** The format asked for, or null when the request names none we make (the slow path says so). */
  private Render.Format formatOf(HttpServerExchange exchange) {
    try {
      return new Request(exchange, snapshots).format();
    } catch (ApiException e) {
      return null;
    }
  }

  /** Sends a cached answer from the I/O thread; anything else goes on to {@code slow}. */
  private HttpHandler cached(HttpHandler slow) {
    return exchange -> {
      Snapshot current = snapshots.current();
      if (current != null && !exchange.getQueryParameters().containsKey("rev")) {
        Render.Format format = formatOf(exchange);
        ResponseCache.Entry hit = format == null ? null : cache.get(current.commit(), cacheKey(exchange, format));
        if (hit != null) {
          Responses.sendKept(exchange, current.commit(), hit);
          return;
        }
      }
      slow.handleRequest(exchange);
    };
  }

  /**
   * A spec sent from the I/O thread when the answer for the host's place in its rollout now is
   * cached (made and signed once, at most an hour ago); anything else goes on to {@code slow},
   * which caches what it makes under the same key.
   */
  private HttpHandler cachedSpec(HttpHandler slow) {
    return exchange -> {
      Map<String, java.util.Deque<String>> q = exchange.getQueryParameters();
      Snapshot current = snapshots.current();
      if (current == null || q.containsKey("rev") || q.containsKey("explain") || q.containsKey("retry") || q.containsKey("wait")) {
        slow.handleRequest(exchange);
        return;
      }
      Render.Format format = formatOf(exchange);
      String key = format == null ? null : specs.answerKey(current, q.get("fqdn").getFirst(), format);
      ResponseCache.Entry hit = key == null ? null : cache.get(current.commit(), key);
      if (hit == null || System.nanoTime() - hit.made() > MAX_SPEC_AGE_NANOS) {
        slow.handleRequest(exchange);
        return;
      }
      Responses.sendKept(exchange, current.commit(), hit);
    };
  }

  private static String cacheKey(HttpServerExchange exchange, Render.Format format) {
    return exchange.getRequestPath() + '?' + exchange.getQueryString() + '|' + format;
  }

  @Override
  public void close() {
    uploads.close();
    intake.close();
    reportHistory.close();
    rollouts.reports().close();
    polls.close();
  }

  /** Prometheus text format. */
  private void metrics(HttpServerExchange exchange) {
    Snapshot current = snapshots.current();
    exchange.getResponseHeaders().put(COMMIT_HEADER, current == null ? "" : current.commit());
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    exchange.getResponseSender().send(metrics.render(snapshots, store, rollouts, fleet));
  }

  /**
   * Brings the report index up to the store (reports other servers received); a store that cannot
   * be read keeps the index as it was, and says why.
   */
  public String refreshReports() {
    try {
      rollouts.reports().refresh();
      return null;
    } catch (java.io.IOException | RuntimeException e) {
      return "cannot read the reports in the store: " + e.getMessage();
    }
  }

  /** Waits until every history trim asked for so far is done. */
  public void flushHistory() throws java.io.IOException {
    reportHistory.flush();
  }

  /** The most a hook's body may be (GitHub's push payloads are well under it). */
  static final int MAX_HOOK_BODY = 4 << 20;

  /**
   * {@code POST /hooks/refresh}: fetch now (the repo and the reports), answer with the commit
   * served afterwards. With a hook secret, the call must carry GitHub's {@code
   * X-Hub-Signature-256} (an HMAC-SHA256 of the body) or GitLab's {@code X-Gitlab-Token}; calls
   * made while a fetch runs share the next one.
   */
  private Reply refresh(Request r) {
    HookSecret secret = hookSecret;
    if (secret != null) {
      secret.check(r);
    }
    String commit = snapshots.requestRefresh();
    String reportsError = refreshReports();
    Rejected rejected = snapshots.rejected();
    Map<String, Object> doc = Request.map("commit", commit);
    if (rejected != null) {
      doc.put("rejected", Request.map("commit", rejected.commit(),
          "problems", rejected.problems().stream().map(Problem::toString).toList()));
    }
    if (reportsError != null) {
      doc.put("reports_error", reportsError);
    }
    return Reply.document(commit == null ? 503 : 200, commit, doc);
  }

}
