package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reports from roll, a host's status against the repo, and the HTML fleet page. */
final class ReportViews {
  static final Set<String> RESULTS = Set.of("applied", "unchanged", "rolled-back", "failed");
  static final int MAX_REPORT = 256 * 1024;
  /** A report and what its aliases expand to are at most {@link #MAX_REPORT}: an alias bomb is refused, not stored. */
  static final dev.roller.repo.parse.SafeYaml.Limits REPORT_LIMITS = dev.roller.repo.parse.SafeYaml.Limits.of(MAX_REPORT);

  private final PackageStore store;
  private final Rollouts rollouts;
  private final Fleet fleet;

  ReportViews(PackageStore store, Rollouts rollouts) {
    this.store = store;
    this.rollouts = rollouts;
    this.fleet = new Fleet(rollouts.reports());
  }

  /**
   * {@code POST /hosts/{fqdn}/report}: YAML or JSON with {@code result} (applied, unchanged,
   * rolled-back, failed), {@code commit} and {@code spec} (what the host tried), {@code tried} and
   * {@code running} (the digests of the spec it tried and of the one it runs afterwards) and
   * {@code running_commit} (a commit whose spec for the host is the one it runs); kept, normalized
   * and stamped with this server's clock ({@code received_at}, and {@code running_since}: when a
   * report first said the host runs that spec), as the host's latest report in the package store.
   * A report from an older roll, without the digests, counts as running the spec it names.
   */
  Reply report(Request r) {
    String host = r.name("fqdn", NameRule.HOST);
    Snapshot s = r.snapshot();
    if (!s.repo().hosts().containsKey(host)) {
      throw ApiException.notFound("no host " + NameRule.quote(host));
    }
    boolean verified = verify(r, s.repo().hosts().get(host));
    Map<?, ?> body = body(r);
    String result = String.valueOf(body.get("result"));
    if (!RESULTS.contains(result)) {
      throw ApiException.badRequest("'result' must be one of " + new java.util.TreeSet<>(RESULTS) + ", got " + NameRule.quote(result));
    }
    String commit = hex(body, "commit", 40, "a full commit id");
    String tried = hex(body, "tried", 64, "a spec digest");
    String running = hex(body, "running", 64, "a spec digest");
    String runningCommit = hex(body, "running_commit", 40, "a full commit id");
    String specDigest = null;
    if (body.get("spec") instanceof Map<?, ?> spec) {
      try {
        specDigest = SpecCodec.fromMap(spec, SpecCodec.Identity.OPTIONAL).digest();
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("the report's 'spec' is not a spec: " + e.getMessage());
      }
    }
    if (tried == null) { // an older roll: the spec it names is the one it tried and runs
      tried = specDigest;
      running = running == null && !Report.FAILURES.contains(result) ? specDigest : running;
      runningCommit = runningCommit == null && running != null ? commit : runningCommit;
    } else if (specDigest != null && !specDigest.equals(tried)) {
      throw ApiException.badRequest("the report's 'spec' has digest " + specDigest + " but 'tried' says " + tried);
    }
    String target = s.repo().spec(host).orElseThrow().digest();
    if (s.commit().equals(commit) && tried != null && !tried.equals(target)) {
      throw new ApiException(422, "the report says " + host + " tried spec " + tried + " at " + commit
          + ", but that commit gives it " + target);
    }
    if (s.commit().equals(runningCommit) && running != null && !running.equals(target)) {
      throw new ApiException(422, "the report says " + host + " runs spec " + running + " of " + runningCommit
          + ", but that commit gives it " + target);
    }
    Report before;
    try {
      before = rollouts.reports().get(host).orElse(null);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the reports: " + e.getMessage());
    }
    Instant now = Instant.now();
    Map<String, Object> kept = new LinkedHashMap<>();
    kept.put("host", host);
    kept.put("result", result);
    kept.put("commit", commit);
    kept.put("tried", tried);
    kept.put("running", running);
    kept.put("running_commit", runningCommit);
    for (String key : List.of("generation", "time", "error", "packages", "services")) {
      if (body.containsKey(key)) {
        kept.put(key, body.get(key));
      }
    }
    kept.put("verified", verified);
    kept.put("received_at", now.toString());
    boolean same = before != null && running != null && running.equals(before.running()) && before.runningSince() != null;
    kept.put("running_since", running == null ? null : (same ? before.runningSince() : now).toString());
    byte[] bytes = Render.render(kept, Render.Format.YAML);
    try {
      store.putReport(host, bytes);
    } catch (IOException e) {
      throw new ApiException(503, "cannot keep the report: " + e.getMessage());
    }
    rollouts.reports().kept(host, kept);
    return Reply.document(201, s.commit(), Request.map("host", host, "kept", true));
  }

  /**
   * Whether the report is signed by its host's key; a host whose file declares {@code key:} must
   * sign (a 401 otherwise, nothing kept); another host's report is kept, marked unverified.
   */
  private static boolean verify(Request r, Host host) {
    String header = r.exchange.getRequestHeaders().getFirst(dev.roller.repo.trust.Signatures.HEADER);
    if (host.key() == null) {
      return false;
    }
    java.security.PublicKey key = dev.roller.repo.trust.Keys.parsePublic(host.key());
    String problem = new dev.roller.repo.trust.Signatures.Verifier(List.of(key)).problem(header,
        r.exchange.getAttachment(Uploads.BYTES));
    if (problem != null || r.exchange.getRequestHeaders().count(dev.roller.repo.trust.Signatures.HEADER) > 1) {
      throw new ApiException(401, "the report of " + host.name() + " must be signed by its key (key: in hosts/"
          + host.name() + ".yml), and " + (problem != null ? problem.replace("it is signed by key", "it is signed by")
          .replace("which is not trusted here (trust: in roll.yml)", "which is not that key") : "it has two signatures"));
    }
    return true;
  }

  /** The value of {@code key}: absent, or {@code length} lowercase hex digits. */
  private static String hex(Map<?, ?> body, String key, int length, String what) {
    Object v = body.get(key);
    if (v == null) {
      return null;
    }
    String text = String.valueOf(v);
    if (text.length() != length || !text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw ApiException.badRequest("'" + key + "' must be " + what);
    }
    return text;
  }

  Reply status(Request r) {
    String host = r.name("fqdn", NameRule.HOST);
    Snapshot s = r.snapshot();
    if (!s.repo().hosts().containsKey(host)) {
      throw ApiException.notFound("no host " + NameRule.quote(host));
    }
    Fleet.Status status = fleet.status(s, host);
    Map<String, Object> doc = Request.map("host", host, "state", status.state().label,
        "desired", Request.map("commit", s.commit(), "digest", status.desiredDigest()));
    if (status.report() != null) {
      doc.put("reported", status.report());
    }
    return Reply.document(s.commit(), doc);
  }

  /** {@code GET /}: every host by datacenter and hostclass with its state. Every value is escaped. */
  Reply page(Request r) {
    Snapshot s = r.snapshot();
    Map<String, Map<String, List<String>>> byDatacenter = new TreeMap<>();
    for (Host host : s.repo().hosts().values()) {
      byDatacenter.computeIfAbsent(host.datacenter(), k -> new TreeMap<>())
          .computeIfAbsent(host.hostclass(), k -> new java.util.ArrayList<>()).add(host.name());
    }
    StringBuilder html = new StringBuilder(4096);
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Roller fleet</title><style>")
        .append("body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}")
        .append(".bar{display:flex;width:300px;height:12px;background:#eee}.bar span{display:block;height:12px}")
        .append(".bar .done{background:#1a7f37}.bar .pending{background:#54aeff}.bar .failed{background:#cf222e}")
        .append(".bar .held{background:#d4a72c}.halted{color:#cf222e;font-weight:bold}")
        .append(".in-sync{color:#1a7f37}.drifted{color:#9a6700}.failing{color:#cf222e}.never-reported{color:#6e7781}.report-unreadable{color:#cf222e}")
        .append("</style></head><body>\n<h1>Roller fleet</h1>\n<p>commit <code>").append(Html.escape(s.commit()))
        .append("</code>, ").append(s.repo().hosts().size()).append(" hosts</p>\n");
    Map<Fleet.State, Integer> counts = new TreeMap<>();
    StringBuilder tables = new StringBuilder();
    for (var dc : byDatacenter.entrySet()) {
      tables.append("<h2>").append(Html.escape(dc.getKey())).append("</h2>\n");
      for (var hc : dc.getValue().entrySet()) {
        tables.append("<h3>").append(Html.escape(hc.getKey())).append("</h3>\n<table>\n");
        for (String host : hc.getValue()) {
          Fleet.Status status = fleet.status(s, host);
          counts.merge(status.state(), 1, Integer::sum);
          String css = status.state().label.replace(' ', '-');
          Object commit = status.report() == null ? "" : status.report().get("commit");
          Object verified = status.report() == null ? null : status.report().get("verified");
          tables.append("<tr><td>").append(Html.escape(host)).append("</td><td class=\"").append(css).append("\">")
              .append(Html.escape(status.state().label)).append("</td><td><code>")
              .append(Html.escape(commit == null ? "" : String.valueOf(commit))).append("</code></td><td>")
              .append(verified == null ? "" : Boolean.TRUE.equals(verified) ? "verified" : "unverified").append("</td></tr>\n");
        }
        tables.append("</table>\n");
      }
    }
    html.append("<p>");
    counts.forEach((state, n) -> html.append(Html.escape(state.label)).append(": ").append(n).append(" &nbsp; "));
    html.append("</p>\n");
    rollouts(html, s);
    html.append(tables).append("</body></html>\n");
    byte[] bytes = html.toString().getBytes(StandardCharsets.UTF_8);
    return new Reply(200, null, bytes, null, bytes.length, "text/html; charset=utf-8", s.commit());
  }

  /**
   * A progress bar per hostclass whose rollout is declared or not complete: done, pending,
   * failed and held hosts, the state and why.
   */
  private void rollouts(StringBuilder html, Snapshot s) {
    StringBuilder rows = new StringBuilder();
    for (String hc : s.repo().hostclasses().keySet()) {
      Rollouts.HostclassRollout r;
      try {
        r = rollouts.of(s, hc);
      } catch (IOException e) {
        html.append("<p class=\"halted\">rollouts unknown: the reports cannot be read: ").append(Html.escape(e.getMessage()))
            .append("</p>\n");
        return;
      }
      int total = r.hosts().size();
      if (!r.declared() && r.count(Rollouts.State.DONE) == total) {
        continue;
      }
      rows.append("<tr><td>").append(Html.escape(hc)).append("</td><td><div class=\"bar\">");
      for (Rollouts.State state : Rollouts.State.values()) {
        int n = r.count(state);
        if (n > 0) {
          rows.append("<span class=\"").append(state.label).append("\" style=\"width:").append(100.0 * n / total)
              .append("%\" title=\"").append(n).append(' ').append(state.label).append("\"></span>");
        }
      }
      rows.append("</div></td><td>");
      for (Rollouts.State state : Rollouts.State.values()) {
        rows.append(state.label).append(' ').append(r.count(state)).append(state == Rollouts.State.HELD ? "" : ", ");
      }
      rows.append("</td><td>wave ").append(r.openWaves()).append(" of ").append(r.ends().size()).append("</td><td")
          .append(r.halted() ? " class=\"halted\"" : "").append('>').append(Html.escape(r.state()))
          .append(r.nextWave() == null ? "" : "; " + Html.escape(r.nextWave())).append("</td></tr>\n");
    }
    if (rows.length() > 0) {
      html.append("<h2>Rollouts</h2>\n<table>\n").append(rows).append("</table>\n");
    }
  }

  /** The report's body, which {@link Uploads} has received whole (at most {@link #MAX_REPORT} bytes). */
  private static Map<?, ?> body(Request r) {
    byte[] bytes = r.exchange.getAttachment(Uploads.BYTES);
    try {
      Object doc = Render.parseYaml(bytes, REPORT_LIMITS);
      if (!(doc instanceof Map<?, ?> map)) {
        throw ApiException.badRequest("a report is a YAML or JSON mapping");
      }
      return map;
    } catch (dev.roller.repo.parse.SafeYaml.Refused e) {
      throw ApiException.badRequest("the report is refused (line " + e.line() + "): " + e.getMessage());
    }
  }
}
