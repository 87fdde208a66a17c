package dev.roller.server.http;

import dev.roller.repo.Problem;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.NameRule;
import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.ReportHistory;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Rejected;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The fleet as people and scripts read it (DESIGN §10): {@code GET /} is a page that opens on a
 * grid of hostclass x datacenter with the hosts per state, says loudly when the server is degraded
 * or a rollout halted, and lists hosts (failing ones by default) 200 to a page, each with its
 * state, generation, commit, last report, failure reason and links; {@code ?hostclass=},
 * {@code ?datacenter=} and {@code ?state=} narrow it, {@code ?host=} is one host's page with its
 * history. It refreshes itself, needs no JavaScript, and escapes every value. {@code GET /fleet}
 * answers the same selection as a document.
 */
final class FleetPage {
  static final int PER_PAGE = 200;
  /** How often the page reloads itself, in seconds. */
  static final int REFRESH = 30;

  private final Fleet fleet;
  private final Rollouts rollouts;
  private final Snapshots snapshots;
  private final HostPage hostPage;

  FleetPage(Fleet fleet, Rollouts rollouts, ReportHistory history, Snapshots snapshots) {
    this.fleet = fleet;
    this.rollouts = rollouts;
    this.snapshots = snapshots;
    this.hostPage = new HostPage(this, fleet, rollouts, history, snapshots);
  }

  /** {@code GET /fleet?state=&hostclass=&datacenter=&page=}: the hosts selected, a page of them, and their counts. */
  Reply document(Request r) {
    Snapshot s = r.snapshot();
    Fleet.Summary summary = fleet.summary(s);
    FleetSelection sel = FleetSelection.of(r, s, null);
    List<Fleet.Row> selected = summary.select(sel.state(), sel.hostclass(), sel.datacenter());
    int pages = Math.max(1, (selected.size() + PER_PAGE - 1) / PER_PAGE);
    List<Map<String, Object>> hosts = new ArrayList<>();
    for (Fleet.Row row : pageOf(selected, sel.page())) {
      Map<String, Object> h = Request.map("host", row.host().name(), "datacenter", row.host().datacenter(),
          "hostclass", row.host().hostclass(), "state", row.state().label);
      Report rep = row.report();
      if (rep != null) {
        for (String key : List.of("result", "generation", "commit", "received_at", "error", "verified")) {
          Object v = rep.document().get(key);
          if (v != null) {
            h.put(key, v);
          }
        }
      }
      hosts.add(h);
    }
    Fleet.Counts counts = new Fleet.Counts();
    List<Map<String, Object>> grid = new ArrayList<>();
    summary.grid().forEach((dc, byHostclass) -> byHostclass.forEach((hc, c) -> {
      if ((sel.hostclass() == null || sel.hostclass().equals(hc)) && (sel.datacenter() == null || sel.datacenter().equals(dc))) {
        grid.add(Request.map("datacenter", dc, "hostclass", hc, "hosts", c.document()));
        for (Fleet.State st : Fleet.State.values()) {
          counts.n[st.ordinal()] += c.of(st);
        }
      }
    }));
    Map<String, Object> filter = Request.map("state", sel.state() == null ? null : sel.state().label,
        "hostclass", sel.hostclass(), "datacenter", sel.datacenter());
    filter.values().removeIf(java.util.Objects::isNull);
    Map<String, Object> doc = Request.map("commit", s.commit(), "filter", filter, "counts", counts.document(),
        "total", selected.size(), "page", sel.page(), "pages", pages, "per_page", PER_PAGE, "hosts", hosts, "grid", grid);
    return Reply.document(s.commit(), doc);
  }

  private static List<Fleet.Row> pageOf(List<Fleet.Row> rows, int page) {
    int from = Math.min(rows.size(), (page - 1) * PER_PAGE);
    return rows.subList(from, Math.min(rows.size(), from + PER_PAGE));
  }

  /** {@code GET /}: the fleet page; {@code ?host=} one host's. */
  Reply page(Request r) {
    Snapshot s = r.snapshot();
    String host = r.queryName("host", NameRule.HOST);
    StringBuilder html = new StringBuilder(64 * 1024);
    if (host != null) {
      if (!s.repo().hosts().containsKey(host)) {
        throw ApiException.notFound("no host " + NameRule.quote(host));
      }
      head(html, host + " - Roller fleet");
      banners(html, s, null);
      hostPage.render(html, s, s.repo().hosts().get(host));
    } else {
      Fleet.Summary summary = fleet.summary(s);
      boolean filtered = r.query("state") != null || r.query("hostclass") != null || r.query("datacenter") != null;
      FleetSelection sel = FleetSelection.of(r, s, filtered ? null : Fleet.State.FAILING);
      head(html, "Roller fleet");
      banners(html, s, summary);
      crumbs(html, sel);
      grid(html, summary, sel);
      rollouts(html, s, sel);
      hosts(html, s, summary, sel);
    }
    html.append("</main></body></html>\n");
    byte[] bytes = html.toString().getBytes(StandardCharsets.UTF_8);
    return new Reply(200, null, bytes, null, bytes.length, "text/html; charset=utf-8", s.commit());
  }

  private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;color:#1f2328}"
      + "header{background:#24292f;color:#fff;padding:.6em 2em}header a{color:#fff;text-decoration:none}"
      + "header h1{margin:0;font-size:1.4em}header p{margin:.2em 0 0;color:#d0d7de;font-size:.9em}"
      + "main{padding:1em 2em}table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;vertical-align:top}"
      + "table.hosts tr:nth-child(even){background:#f6f8fa}table.hosts th{border-bottom:2px solid #d0d7de}"
      + ".banner{padding:.8em 1.2em;margin:1em 0;border-radius:6px;font-weight:600}"
      + ".banner ul{font-weight:normal;margin:.4em 0 0}.degraded{background:#ffebe9;border:2px solid #cf222e;color:#82071e}"
      + ".halted{background:#fff1e5;border:2px solid #bc4c00;color:#762c00}"
      + "table.grid td,table.grid th{border:1px solid #d0d7de;text-align:center}table.grid th.hc{text-align:left}"
      + "table.grid td a{display:block;color:inherit;text-decoration:none;min-width:5em}"
      + "td.cell-in-sync{background:#dafbe1}td.cell-drifted{background:#fff8c5}td.cell-failing,td.cell-report-unreadable"
      + "{background:#ff8182;font-weight:bold}td.cell-never-reported{background:#eaeef2}"
      + ".s-in-sync{color:#1a7f37}.s-drifted{color:#9a6700}.s-failing,.s-report-unreadable{color:#cf222e;font-weight:bold}"
      + ".s-never-reported{color:#6e7781}.reason{color:#82071e;max-width:40em;white-space:pre-wrap}"
      + ".bar{display:flex;width:300px;height:12px;background:#eee}.bar span{display:block;height:12px}"
      + ".bar .done{background:#1a7f37}.bar .pending{background:#54aeff}.bar .failed{background:#cf222e}"
      + ".bar .held{background:#d4a72c}nav{margin:.6em 0}.totals a{margin-right:1.2em}code{font-size:.9em}";

  private void head(StringBuilder html, String title) {
    Snapshot s = snapshots.current();
    ReportIndex.Standing index = rollouts.reports().standing();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH).append("\"><title>").append(Html.escape(title))
        .append("</title><style>").append(STYLE).append("</style></head><body>\n<header><h1><a href=\"/\">Roller fleet</a></h1><p>");
    if (s != null) {
      html.append("serving commit <code>").append(Html.escape(s.commit())).append("</code> &middot; ")
          .append(s.repo().hosts().size()).append(" hosts &middot; ");
    }
    html.append(index.hosts()).append(" reports");
    if (index.refreshedAt() != null) {
      html.append(", read from the store at ").append(Html.time(index.refreshedAt()));
    }
    html.append(" &middot; this page refreshes every ").append(REFRESH).append(" s</p></header>\n<main>\n");
  }

  /** Loud lines for what an operator must know first: a rejected commit, a stale server, halted rollouts. */
  private void banners(StringBuilder html, Snapshot s, Fleet.Summary summary) {
    Rejected rejected = snapshots.rejected();
    if (rejected != null) {
      html.append("<div class=\"banner degraded\" role=\"alert\" id=\"degraded\">Degraded: commit <code>")
          .append(Html.escape(rejected.commit())).append("</code> was rejected at ").append(Html.time(rejected.at()))
          .append("; hosts are still served <code>").append(Html.escape(s.commit())).append("</code>.<ul>");
      List<Problem> problems = rejected.problems();
      for (Problem p : problems.subList(0, Math.min(5, problems.size()))) {
        html.append("<li>").append(Html.escape(p.toString())).append("</li>");
      }
      if (problems.size() > 5) {
        html.append("<li>and ").append(problems.size() - 5).append(" more (<a href=\"/health\">/health</a> lists them)</li>");
      }
      html.append("</ul></div>\n");
    }
    List<String> stale = new ArrayList<>();
    if (snapshots.lastFetchError() != null) {
      stale.add(snapshots.lastFetchError());
    }
    if (snapshots.staleness() != null) {
      stale.add("the repo is stale: " + snapshots.staleness());
    }
    if (rollouts.reports().standing().stale() != null) {
      stale.add("the reports shown may be out of date: " + rollouts.reports().standing().stale());
    }
    if (!stale.isEmpty()) {
      html.append("<div class=\"banner degraded\" role=\"alert\">Degraded:<ul>");
      stale.forEach(line -> html.append("<li>").append(Html.escape(line)).append("</li>"));
      html.append("</ul></div>\n");
    }
    if (summary == null) {
      return;
    }
    for (String hc : s.repo().hostclasses().keySet()) {
      Rollouts.HostclassRollout r = rollout(s, hc);
      if (r != null && r.halted()) {
        html.append("<div class=\"banner halted\" role=\"alert\">Rollout of <a href=\"").append(Html.escape("/?hostclass=" + Html.enc(hc)))
            .append("\">").append(Html.escape(hc)).append("</a> ").append(Html.escape(r.state()))
            .append(" (<a href=\"").append(Html.escape("/?hostclass=" + Html.enc(hc) + "&state=failing")).append("\">failing hosts</a>)</div>\n");
      }
    }
  }

  Rollouts.HostclassRollout rollout(Snapshot s, String hc) {
    try {
      return rollouts.of(s, hc);
    } catch (IOException e) {
      return null;
    }
  }

  private static void crumbs(StringBuilder html, FleetSelection sel) {
    html.append("<nav aria-label=\"where\"><a href=\"/\">fleet</a>");
    if (sel.datacenter() != null) {
      html.append(" &rsaquo; datacenter <a href=\"").append(Html.escape("/?datacenter=" + Html.enc(sel.datacenter()))).append("\">")
          .append(Html.escape(sel.datacenter())).append("</a>");
    }
    if (sel.hostclass() != null) {
      html.append(" &rsaquo; hostclass <a href=\"").append(Html.escape("/?hostclass=" + Html.enc(sel.hostclass()))).append("\">")
          .append(Html.escape(sel.hostclass())).append("</a>");
    }
    html.append(" &middot; as <a href=\"").append(Html.escape(sel.url("/fleet", 1))).append("\">YAML</a></nav>\n");
  }

  /** Hostclass rows, datacenter columns: each cell the hosts per state, coloured by the worst. */
  private static void grid(StringBuilder html, Fleet.Summary summary, FleetSelection sel) {
    TreeSet<String> datacenters = new TreeSet<>();
    TreeSet<String> hostclasses = new TreeSet<>();
    summary.grid().forEach((dc, byHc) -> {
      if (sel.datacenter() == null || sel.datacenter().equals(dc)) {
        datacenters.add(dc);
        byHc.keySet().stream().filter(hc -> sel.hostclass() == null || sel.hostclass().equals(hc)).forEach(hostclasses::add);
      }
    });
    Fleet.Counts totals = new Fleet.Counts();
    StringBuilder rows = new StringBuilder();
    for (String hc : hostclasses) {
      rows.append("<tr><th class=\"hc\"><a href=\"").append(Html.escape("/?hostclass=" + Html.enc(hc))).append("\">")
          .append(Html.escape(hc)).append("</a></th>");
      for (String dc : datacenters) {
        Fleet.Counts c = summary.grid().get(dc).get(hc);
        if (c == null) {
          rows.append("<td></td>");
          continue;
        }
        for (Fleet.State st : Fleet.State.values()) {
          totals.n[st.ordinal()] += c.of(st);
        }
        Fleet.State worst = c.worst();
        rows.append("<td class=\"cell-").append(worst.slug()).append("\" title=\"").append(Html.escape(hc + " in " + dc))
            .append("\"><a href=\"").append(Html.escape("/?hostclass=" + Html.enc(hc) + "&datacenter=" + Html.enc(dc)
                + (worst == Fleet.State.IN_SYNC ? "" : "&state=" + worst.slug()))).append("\">");
        String sep = "";
        for (Fleet.State st : Fleet.State.values()) {
          if (c.of(st) > 0) {
            rows.append(sep).append(c.of(st)).append(' ').append(Html.escape(st.label));
            sep = "<br>";
          }
        }
        rows.append("</a></td>");
      }
      rows.append("</tr>\n");
    }
    html.append("<h2>Hosts by hostclass and datacenter</h2>\n<p class=\"totals\">");
    for (Fleet.State st : Fleet.State.values()) {
      html.append("<a class=\"s-").append(st.slug()).append("\" href=\"")
          .append(Html.escape(new FleetSelection(st, sel.hostclass(), sel.datacenter(), 1).url("/", 1))).append("\">")
          .append(Html.escape(st.label)).append(": ").append(totals.of(st)).append("</a>");
    }
    html.append("<a href=\"").append(Html.escape(new FleetSelection(null, sel.hostclass(), sel.datacenter(), 1).url("/", 1)
        + (sel.hostclass() == null && sel.datacenter() == null ? "?state=any" : ""))).append("\">all: ").append(totals.total())
        .append("</a></p>\n<table class=\"grid\"><tr><th class=\"hc\">hostclass</th>");
    for (String dc : datacenters) {
      html.append("<th><a href=\"").append(Html.escape("/?datacenter=" + Html.enc(dc))).append("\">").append(Html.escape(dc))
          .append("</a></th>");
    }
    html.append("</tr>\n").append(rows).append("</table>\n");
  }

  /** A progress bar per hostclass whose rollout is declared or not complete. */
  private void rollouts(StringBuilder html, Snapshot s, FleetSelection sel) {
    StringBuilder rows = new StringBuilder();
    for (String hc : s.repo().hostclasses().keySet()) {
      if (sel.hostclass() != null && !sel.hostclass().equals(hc)) {
        continue;
      }
      Rollouts.HostclassRollout r = rollout(s, hc);
      if (r == null) {
        html.append("<p class=\"banner degraded\">rollouts unknown: the reports cannot be read</p>\n");
        return;
      }
      int total = r.hosts().size();
      if (total == 0 || (!r.declared() && r.count(Rollouts.State.DONE) == total)) {
        continue;
      }
      rows.append("<tr><td><a href=\"").append(Html.escape("/?hostclass=" + Html.enc(hc))).append("\">").append(Html.escape(hc))
          .append("</a></td><td><div class=\"bar\">");
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
          .append(r.halted() ? " class=\"s-failing\"" : "").append('>').append(Html.escape(r.state()))
          .append(r.nextWave() == null ? "" : "; " + Html.escape(r.nextWave())).append("</td></tr>\n");
    }
    if (rows.length() > 0) {
      html.append("<h2>Rollouts</h2>\n<table>\n").append(rows).append("</table>\n");
    }
  }

  private void hosts(StringBuilder html, Snapshot s, Fleet.Summary summary, FleetSelection sel) {
    List<Fleet.Row> selected = summary.select(sel.state(), sel.hostclass(), sel.datacenter());
    int pages = Math.max(1, (selected.size() + PER_PAGE - 1) / PER_PAGE);
    html.append("<h2 id=\"hosts\">").append(selected.size()).append(' ').append(sel.state() == null ? "" : Html.escape(sel.state().label) + " ")
        .append(selected.size() == 1 ? "host" : "hosts").append("</h2>\n");
    if (selected.isEmpty()) {
      return;
    }
    pager(html, sel, pages);
    html.append("<table class=\"hosts\"><tr><th>host</th><th>datacenter</th><th>hostclass</th><th>state</th><th>generation</th>")
        .append("<th>commit</th><th>signed</th><th>last report</th><th>failure</th><th>see</th></tr>\n");
    Instant now = Instant.now();
    for (Fleet.Row row : pageOf(selected, sel.page())) {
      Host h = row.host();
      Report rep = row.report();
      Map<String, Object> doc = rep == null ? Map.of() : rep.document();
      html.append("<tr><td><a href=\"").append(Html.escape("/?host=" + Html.enc(h.name()))).append("\">").append(Html.escape(h.name()))
          .append("</a></td><td>").append(Html.escape(h.datacenter())).append("</td><td>").append(Html.escape(h.hostclass()))
          .append("</td><td class=\"s-").append(row.state().slug()).append("\">").append(Html.escape(row.state().label))
          .append("</td><td>").append(Html.text(doc.get("generation"))).append("</td><td><code>")
          .append(Html.escape(Html.shortCommit(doc.get("commit")))).append("</code></td><td>")
          .append(rep == null || rep.problem() != null ? "" : rep.verified() ? "verified" : "unverified").append("</td><td>")
          .append(ago(rep, now))
          .append("</td><td class=\"reason\">").append(Html.escape(reason(rep))).append("</td><td>");
      links(html, s, h.name(), rep);
      html.append("</td></tr>\n");
    }
    html.append("</table>\n");
    pager(html, sel, pages);
  }

  private static void pager(StringBuilder html, FleetSelection sel, int pages) {
    if (pages == 1) {
      return;
    }
    html.append("<nav class=\"pages\">page ").append(sel.page()).append(" of ").append(pages);
    if (sel.page() > 1) {
      html.append(" &middot; <a href=\"").append(Html.escape(sel.url("/", sel.page() - 1))).append("\">previous</a>");
    }
    if (sel.page() < pages) {
      html.append(" &middot; <a href=\"").append(Html.escape(sel.url("/", sel.page() + 1))).append("\">next</a>");
    }
    html.append("</nav>\n");
  }

  static void links(StringBuilder html, Snapshot s, String host, Report rep) {
    String base = "/hosts/" + host;
    html.append("<a href=\"").append(Html.escape(base + "/spec")).append("\">spec</a> <a href=\"")
        .append(Html.escape(base + "/status")).append("\">status</a> <a href=\"").append(Html.escape(base + "/history"))
        .append("\">history</a>");
    String from = rep == null ? null : rep.runningCommit() != null ? rep.runningCommit() : rep.commit();
    if (from != null && !from.equals(s.commit())) {
      html.append(" <a href=\"").append(Html.escape(base + "/spec/diff?from=" + from + "&to=" + s.commit())).append("\">spec diff</a>");
    }
  }

  /** Why a host is failing, as its report says (or why the report cannot be read). */
  static String reason(Report rep) {
    if (rep == null) {
      return "";
    }
    if (rep.problem() != null) {
      return "report unreadable: " + rep.problem();
    }
    Object error = rep.document().get("error");
    if (error == null) {
      return rep.failed() ? rep.result() : "";
    }
    String text = String.valueOf(error);
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }

  private static String ago(Report rep, Instant now) {
    if (rep == null || rep.receivedAt() == null) {
      return "never";
    }
    Duration d = Duration.between(rep.receivedAt(), now);
    String ago = d.isNegative() ? "just now" : d.toSeconds() < 120 ? d.toSeconds() + " s ago"
        : d.toMinutes() < 120 ? d.toMinutes() + " min ago" : d.toHours() < 48 ? d.toHours() + " h ago" : d.toDays() + " days ago";
    return "<time datetime=\"" + Html.escape(rep.receivedAt().toString()) + "\" title=\"" + Html.escape(rep.receivedAt().toString())
        + "\">" + ago + "</time>";
  }
}
