package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.Problem;
import dev.roller.server.ServerLimits;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Rejected;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.ETag;
import io.undertow.util.ETagUtils;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.xnio.management.XnioWorkerMXBean;

/**
 * The config server's HTTP API: the route table, in one place, and the one place replies and
 * errors become responses. Every response carries {@code X-Roller-Commit}; documents are YAML
 * unless JSON is asked for, with an ETag (a hash of the body) honoured by {@code If-None-Match};
 * errors are {@code error: <message>} with their status, never a stack trace.
 */
public final class Api implements AutoCloseable {
  static final HttpString COMMIT_HEADER = new HttpString("X-Roller-Commit");
  static final HttpString SIGNATURE_HEADER = new HttpString(dev.roller.repo.trust.Signatures.HEADER);
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
  private final Rollouts rollouts;
  private final RolloutViews rolloutViews;
  private final Metrics metrics = new Metrics();
  private final LongPolls polls;
  private final dev.roller.repo.trust.Signatures.Signer signer;
  private volatile byte[] hookSecret;

  /** {@code --hook-secret-file}: refreshes then need a hook's signature or token made with it (null: open). */
  public Api hookSecret(byte[] secret) {
    this.hookSecret = secret == null ? null : secret.clone();
    return this;
  }
  /** Requests a worker thread is running now (XNIO's own count is not kept by its pool). */
  private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
  /** A long-poll is answered before the connection's idle timeout would close it. */
  private final java.time.Duration maxWait;
  private final PackageStore store;
  private final ResponseCache cache = new ResponseCache();
  private final BootstrapView bootstrap;
  private final Uploads uploads;
  private final Path uploadDir;
  private final long maxUpload;

  public Api(Snapshots snapshots, PackageStore store, String publishToken, Path uploadDir, long maxUpload,
      ServerLimits limits) {
    this(snapshots, store, publishToken, uploadDir, maxUpload, limits, null);
  }

  /** As above; with a {@code signer}, answers marked {@link Reply#signed} carry {@code X-Roller-Signature}. */
  public Api(Snapshots snapshots, PackageStore store, String publishToken, Path uploadDir, long maxUpload,
      ServerLimits limits, dev.roller.repo.trust.Signatures.Signer signer) {
    this.signer = signer;
    this.snapshots = snapshots;
    this.rollouts = new Rollouts(new ReportIndex(store, ReportViews.REPORT_LIMITS), java.time.Clock.systemUTC());
    this.specs = new SpecViews(store, snapshots, rollouts);
    this.rolloutViews = new RolloutViews(rollouts);
    this.packages = new PackageViews(store, publishToken, maxUpload);
    this.uploads = new Uploads(limits.uploadWorkers(), limits.uploadWorkers() * ServerLimits.UPLOAD_QUEUE_PER_WORKER,
        limits.bodyTimeout());
    this.uploadDir = uploadDir;
    this.maxUpload = maxUpload;
    this.history = new HistoryViews(snapshots);
    this.impact = new ImpactViews(snapshots, new ServicePrediction(store));
    this.reports = new ReportViews(store, rollouts);
    this.polls = new LongPolls(specs::etagNow);
    this.maxWait = limits.idleTimeout().minusSeconds(Math.min(5, limits.idleTimeout().toSeconds() / 2));
    this.bootstrap = new BootstrapView(store);
    this.store = store;
  }

  public HttpHandler handler() {
    RoutingHandler routes = new RoutingHandler()
        .get("/", view(takes(reports::page)))
        .get("/health", this::health)
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
        .post("/hosts/{fqdn}/report", uploads.inMemory(ReportViews.MAX_REPORT, handle(false, reports::report)))
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
        .post("/hooks/refresh", uploads.inMemory(MAX_HOOK_BODY, handle(false, this::refresh)))
        .setFallbackHandler(exchange -> error(exchange, 404, "no such resource: " + exchange.getRequestPath()))
        .setInvalidMethodHandler(exchange -> error(exchange, 405,
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
        internalError(exchange, e);
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
        ResponseCache.Entry sent = send(exchange, reply, reply.document() != null ? request.format() : Render.Format.YAML);
        Snapshot current = snapshots.current();
        String key = exchange.getAttachment(ANSWER_KEY); // a view that knows what its answer depends on
        if ((cacheable || key != null) && sent != null && request.query("rev") == null && current != null
            && current.commit().equals(reply.commit())) {
          cache.put(reply.commit(), key != null ? key : cacheKey(exchange, request.format()), sent);
        }
      } catch (ApiException e) {
        Snapshot current = snapshots.current();
        exchange.getResponseHeaders().put(COMMIT_HEADER, current == null ? "" : current.commit());
        error(exchange, e.status(), e.getMessage(), safeFormat(request));
      } catch (RuntimeException e) {
        internalError(exchange, e);
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
        error(exchange, 400, "wait: " + e.getMessage());
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
            boolean unchanged = reply.status() == 200 && reply.etag() != null && notModified(ex, reply.etag());
            if (unchanged && System.nanoTime() - deadline < 0 && polls.room()) {
              ex.getResponseHeaders().put(COMMIT_HEADER, reply.commit() == null ? "" : reply.commit());
              polls.park(ex, host, reply.etag(), deadline, this);
              return;
            }
            send(ex, reply, reply.document() != null ? request.format() : Render.Format.YAML);
          } catch (ApiException e) {
            Snapshot current = snapshots.current();
            ex.getResponseHeaders().put(COMMIT_HEADER, current == null ? "" : current.commit());
            error(ex, e.status(), e.getMessage(), safeFormat(request));
          } catch (RuntimeException | java.io.IOException e) {
            internalError(ex, e instanceof RuntimeException re ? re : new RuntimeException(e));
          } finally {
            busy.decrementAndGet();
          }
        }
      };
      exchange.dispatch(attempt);
    };
  }

  private void checkHook(Request r) {
    byte[] body = r.exchange.getAttachment(Uploads.BYTES);
    String github = r.exchange.getRequestHeaders().getFirst("X-Hub-Signature-256");
    String gitlab = r.exchange.getRequestHeaders().getFirst("X-Gitlab-Token");
    boolean ok = false;
    if (github != null && github.startsWith("sha256=")) {
      try {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(hookSecret, "HmacSHA256"));
        byte[] expected = HexFormat.of().formatHex(mac.doFinal(body == null ? new byte[0] : body))
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ok = java.security.MessageDigest.isEqual(expected,
            github.substring(7).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    } else if (gitlab != null) {
      ok = java.security.MessageDigest.isEqual(hookSecret, gitlab.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (!ok) {
      throw new ApiException(401, "a refresh needs X-Hub-Signature-256 (an HMAC of the body with the hook secret) or "
          + "X-Gitlab-Token (the secret), and this call's does not match");
    }
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

  /** Sends a cached answer from the I/O thread; anything else goes on to {@code slow}. */
  private HttpHandler cached(HttpHandler slow) {
    return exchange -> {
      Snapshot current = snapshots.current();
      if (current != null && !exchange.getQueryParameters().containsKey("rev")) {
        Render.Format format;
        try {
          format = new Request(exchange, snapshots).format();
        } catch (ApiException e) {
          slow.handleRequest(exchange);
          return;
        }
        ResponseCache.Entry hit = cache.get(current.commit(), cacheKey(exchange, format));
        if (hit != null) {
          sendKept(exchange, current.commit(), hit);
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
      Render.Format format;
      try {
        format = new Request(exchange, snapshots).format();
      } catch (ApiException e) {
        slow.handleRequest(exchange);
        return;
      }
      String key = specs.answerKey(current, q.get("fqdn").getFirst(), format);
      ResponseCache.Entry hit = key == null ? null : cache.get(current.commit(), key);
      if (hit == null || System.nanoTime() - hit.made() > MAX_SPEC_AGE_NANOS) {
        slow.handleRequest(exchange);
        return;
      }
      sendKept(exchange, current.commit(), hit);
    };
  }

  /** Sends a kept answer (or a 304 for it) from the I/O thread, with every header it was first sent with. */
  private static void sendKept(HttpServerExchange exchange, String commit, ResponseCache.Entry hit) {
    exchange.getResponseHeaders().put(COMMIT_HEADER, commit);
    exchange.getResponseHeaders().put(Headers.ETAG, hit.etag());
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, hit.contentType());
    hit.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
    if (notModified(exchange, hit.etag())) {
      exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
      exchange.endExchange();
    } else {
      exchange.getResponseSender().send(ByteBuffer.wrap(hit.body()));
    }
  }

  private static String cacheKey(HttpServerExchange exchange, Render.Format format) {
    return exchange.getRequestPath() + '?' + exchange.getQueryString() + '|' + format;
  }

  /** Whether {@code If-None-Match} names {@code etag} (weak comparison, as GET allows), by Undertow's own parser. */
  static boolean notModified(HttpServerExchange exchange, String etag) {
    boolean weak = etag.startsWith("W/");
    String quoted = weak ? etag.substring(2) : etag;
    return !ETagUtils.handleIfNoneMatch(exchange, new ETag(weak, quoted.substring(1, quoted.length() - 1)), true);
  }

  /** Answered on the I/O thread: no queueing behind worker threads busy with other requests. */
  private void health(HttpServerExchange exchange) {
    Snapshot current = snapshots.current();
    Rejected rejected = snapshots.rejected();
    String fetchError = snapshots.lastFetchError();
    String stale = snapshots.staleness();
    Map<String, Object> doc;
    int status;
    if (current == null) {
      status = 503;
      doc = Request.map("status", "starting", "error", rejected != null
          ? "no valid commit yet: " + rejected.commit() + " is invalid"
          : fetchError != null ? fetchError : "the first commit is not loaded yet");
    } else {
      status = 200;
      boolean degraded = rejected != null || fetchError != null || stale != null || saturated(exchange) != null;
      doc = Request.map("status", degraded ? "degraded" : "ok", "commit", current.commit(),
          "loaded_at", current.loadedAt().toString());
    }
    XnioWorkerMXBean workers = exchange.getConnection().getWorker().getMXBean();
    doc.put("workers", Request.map("busy", busy.get(), "threads", workers.getMaxWorkerPoolSize(),
        "queued", workers.getWorkerQueueSize()));
    doc.put("uploads", Request.map("busy", uploads.busy(), "threads", uploads.threads(), "queued", uploads.queued()));
    doc.put("long_polls", Request.map("parked", polls.parked()));
    String saturated = saturated(exchange);
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
    exchange.getResponseHeaders().put(COMMIT_HEADER, current == null ? "" : current.commit());
    Request request = new Request(exchange, snapshots);
    byte[] body = Render.render(doc, safeFormat(request));
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, safeFormat(request).contentType);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /** Why requests are waiting for a thread (every worker or upload thread busy, some queued), or null. */
  private String saturated(HttpServerExchange exchange) {
    XnioWorkerMXBean workers = exchange.getConnection().getWorker().getMXBean();
    if (workers.getWorkerQueueSize() > 0) {
      return "all " + workers.getMaxWorkerPoolSize() + " workers busy, " + workers.getWorkerQueueSize() + " requests waiting";
    }
    if (uploads.queued() > 0) {
      return "all " + uploads.threads() + " upload threads busy, " + uploads.queued() + " uploads waiting";
    }
    return null;
  }

  @Override
  public void close() {
    uploads.close();
    polls.close();
  }

  /** Prometheus text format. */
  private void metrics(HttpServerExchange exchange) {
    Snapshot current = snapshots.current();
    exchange.getResponseHeaders().put(COMMIT_HEADER, current == null ? "" : current.commit());
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    exchange.getResponseSender().send(metrics.render(snapshots, store, rollouts));
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

  /** The most a hook's body may be (GitHub's push payloads are well under it). */
  static final int MAX_HOOK_BODY = 4 << 20;

  /**
   * {@code POST /hooks/refresh}: fetch now (the repo and the reports), answer with the commit
   * served afterwards. With a hook secret, the call must carry GitHub's {@code
   * X-Hub-Signature-256} (an HMAC-SHA256 of the body) or GitLab's {@code X-Gitlab-Token}; calls
   * made while a fetch runs share the next one.
   */
  private Reply refresh(Request r) {
    if (hookSecret != null) {
      checkHook(r);
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

  /** Writes {@code reply}; returns what was sent when it is a 200 document or file (cacheable), else null. */
  private ResponseCache.Entry send(HttpServerExchange exchange, Reply reply, Render.Format format) throws java.io.IOException {
    exchange.getResponseHeaders().put(COMMIT_HEADER, reply.commit() == null ? "" : reply.commit());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
    if (reply.stream() != null) {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, reply.contentType());
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, reply.length());
      try (InputStream in = reply.stream(); OutputStream out = exchange.getOutputStream()) {
        in.transferTo(out);
      }
      return null;
    }
    byte[] body;
    String contentType;
    if (reply.file() != null) {
      body = reply.file();
      contentType = reply.contentType();
    } else {
      body = Render.render(reply.document(), format);
      contentType = format.contentType;
    }
    String etag = reply.etag() != null ? reply.etag()
        : "\"" + HexFormat.of().formatHex(dev.roller.repo.model.Sha256.newDigest().digest(body), 0, 16) + "\"";
    exchange.getResponseHeaders().put(Headers.ETAG, etag);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    // Signed once per answer made (a cached one keeps its signature), over the exact bytes sent.
    String signature = reply.sign() && signer != null && reply.status() == 200 ? signer.header(body) : null;
    Map<String, String> sentHeaders = reply.headers();
    if (signature != null) {
      exchange.getResponseHeaders().put(SIGNATURE_HEADER, signature);
      sentHeaders = new java.util.HashMap<>(reply.headers());
      sentHeaders.put(SIGNATURE_HEADER.toString(), signature);
    }
    if (reply.status() == 200 && notModified(exchange, etag)) {
      exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
      exchange.endExchange();
    } else {
      exchange.setStatusCode(reply.status());
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
    return reply.status() == 200 ? new ResponseCache.Entry(body, contentType, etag, Map.copyOf(sentHeaders), System.nanoTime())
        : null;
  }

  static void error(HttpServerExchange exchange, int status, String message) {
    error(exchange, status, message, Render.Format.YAML);
  }

  private static void error(HttpServerExchange exchange, int status, String message, Render.Format format) {
    if (exchange.isResponseStarted()) {
      exchange.endExchange();
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, format.contentType);
    exchange.getResponseSender().send(ByteBuffer.wrap(Render.render(Map.of("error", message), format)));
  }

  private static void internalError(HttpServerExchange exchange, RuntimeException e) {
    System.err.println("config-server: internal error on " + exchange.getRequestMethod() + " " + exchange.getRequestPath());
    e.printStackTrace();
    error(exchange, 500, "internal error (the server's log has the details)");
  }

  private static Render.Format safeFormat(Request request) {
    try {
      return request.format();
    } catch (ApiException e) {
      return Render.Format.YAML;
    }
  }
}
