package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.ReportHistory;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reports from roll, a host's status against the repo, and its history. */
final class ReportViews {
  static final Set<String> RESULTS = Set.of("applied", "unchanged", "rolled-back", "failed");
  static final int MAX_REPORT = 256 * 1024;
  /** A report and what its aliases expand to are at most {@link #MAX_REPORT}: an alias bomb is refused, not stored. */
  static final dev.roller.repo.parse.SafeYaml.Limits REPORT_LIMITS = dev.roller.repo.parse.SafeYaml.Limits.of(MAX_REPORT);

  /** A host's clock this far ahead of the server's is named in its report ({@code clock_ahead}). */
  static final java.time.Duration SKEW = java.time.Duration.ofMinutes(5);

  private final PackageStore store;
  private final Rollouts rollouts;
  private final ReportHistory history;
  private final Snapshots snapshots;
  private final Fleet fleet;

  ReportViews(PackageStore store, Rollouts rollouts, ReportHistory history, Snapshots snapshots, Fleet fleet) {
    this.store = store;
    this.rollouts = rollouts;
    this.history = history;
    this.snapshots = snapshots;
    this.fleet = fleet;
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
    String target = rollouts.target(s, host); // resolved once per commit, not per report
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
    Instant time = time(body);
    if (body.containsKey("generation") && !(body.get("generation") instanceof Integer g && g >= 0)) {
      throw ApiException.badRequest("'generation' must be a whole number");
    }
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
    if (time != null && time.isAfter(now.plus(SKEW))) { // kept, not refused: a skewed clock loses no report
      kept.put("clock_ahead", java.time.Duration.between(now, time).toSeconds() + " s (the host's clock is ahead of this server's)");
    }
    boolean same = before != null && running != null && running.equals(before.running()) && before.runningSince() != null;
    kept.put("running_since", running == null ? null : (same ? before.runningSince() : now).toString());
    int number = (before != null && before.document().get("report_number") instanceof Integer n && n > 0 ? n : 0) + 1;
    kept.put("report_number", number);
    byte[] bytes = Render.render(kept, Render.Format.YAML);
    String tag;
    try {
      tag = store.putReport(host, bytes);
    } catch (IOException e) {
      throw new ApiException(503, "cannot keep the report: " + e.getMessage());
    }
    rollouts.reports().kept(host, kept, tag);
    if (number % ReportHistory.TRIM_EVERY == 0) {
      history.trimLater(host);
    }
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

  /** The report's {@code time} (when the host sent it, by its clock), or null. */
  private static Instant time(Map<?, ?> body) {
    try {
      return Report.instant(body.get("time"));
    } catch (java.time.format.DateTimeParseException e) {
      throw ApiException.badRequest("'time' must be a time such as 2026-12-02T10:00:00Z, got " + NameRule.quote(String.valueOf(body.get("time"))));
    }
  }

  /**
   * {@code GET /hosts/{fqdn}/history}: the host's kept reports, newest first, each with what it
   * tried and how it went, and who made the commit it tried, when and why (from git). A host gone
   * from the repo keeps its history.
   */
  Reply history(Request r) {
    String host = r.name("fqdn", NameRule.HOST);
    Snapshot s = r.snapshot();
    List<Report> reports;
    try {
      reports = history.of(host);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the history of " + host + ": " + e.getMessage());
    }
    if (reports.isEmpty() && !s.repo().hosts().containsKey(host)) {
      throw ApiException.notFound("no host " + NameRule.quote(host) + " and no reports of one");
    }
    Map<String, Object> changes = new java.util.HashMap<>();
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (Report report : reports) {
      Map<String, Object> doc = report.document();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("received_at", doc.get("received_at"));
      for (String key : List.of("report_number", "result", "commit", "generation", "time", "error", "running_commit", "verified",
          "clock_ahead")) {
        if (doc.get(key) != null) {
          entry.put(key, doc.get(key));
        }
      }
      if (report.commit() != null) {
        entry.put("change", changes.computeIfAbsent(report.commit(), this::change));
      }
      out.add(entry);
    }
    return Reply.document(s.commit(), Request.map("host", host, "kept", PackageStore.HISTORY, "reports", out));
  }

  /** Who made {@code commit}, when and why, or a note that this server's repository does not have it. */
  private Object change(String commit) {
    try {
      return snapshots.history().commit(commit).<Object>map(c -> Request.map("author", c.author(), "time",
          c.time().toString(), "subject", c.subject())).orElse("not in the repository");
    } catch (dev.roller.repo.ConfigRepoException e) {
      return "cannot read it: " + e.getMessage();
    }
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
