package dev.roller.server.http;

import dev.roller.repo.model.Host;
import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.ReportHistory;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /?host=}: one host's part of the fleet page: its state, rollout place, last report and history. */
final class HostPage {
  private final FleetPage page;
  private final Fleet fleet;
  private final Rollouts rollouts;
  private final ReportHistory history;
  private final Snapshots snapshots;

  HostPage(FleetPage page, Fleet fleet, Rollouts rollouts, ReportHistory history, Snapshots snapshots) {
    this.page = page;
    this.fleet = fleet;
    this.rollouts = rollouts;
    this.history = history;
    this.snapshots = snapshots;
  }

  /** One host: where it stands, what the rollout says of it, its last report and its history. */
  void render(StringBuilder html, Snapshot s, Host host) {
    Fleet.Status status = fleet.status(s, host.name());
    Report rep = rollouts.reports().standing().loaded() ? report(host.name()) : null;
    html.append("<nav aria-label=\"where\"><a href=\"/\">fleet</a> &rsaquo; datacenter <a href=\"")
        .append(Html.escape("/?datacenter=" + Html.enc(host.datacenter()))).append("\">").append(Html.escape(host.datacenter()))
        .append("</a> &rsaquo; hostclass <a href=\"").append(Html.escape("/?hostclass=" + Html.enc(host.hostclass()))).append("\">")
        .append(Html.escape(host.hostclass())).append("</a></nav>\n<h2>").append(Html.escape(host.name()))
        .append(" <span class=\"s-").append(status.state().slug()).append("\">").append(Html.escape(status.state().label))
        .append("</span></h2>\n<table>");
    row(html, "wants", "spec " + status.desiredDigest() + " at " + s.commit());
    Rollouts.HostclassRollout r = page.rollout(s, host.hostclass());
    if (r != null && r.byHost().get(host.name()) != null) {
      Rollouts.HostRollout place = r.byHost().get(host.name());
      row(html, "rollout", "wave " + place.wave() + " of " + r.ends().size() + ", " + place.state().label + ": " + place.why());
    }
    if (rep != null) {
      Map<String, Object> doc = rep.document();
      for (String key : List.of("result", "generation", "commit", "running_commit", "received_at", "time", "verified",
          "clock_ahead", "error")) {
        if (doc.get(key) != null) {
          row(html, key.replace('_', ' '), String.valueOf(doc.get(key)));
        }
      }
    }
    html.append("<tr><th>see</th><td>");
    FleetPage.links(html, s, host.name(), rep);
    html.append("</td></tr></table>\n<h2>History</h2>\n");
    List<Report> past;
    try {
      past = history.of(host.name());
    } catch (IOException e) {
      html.append("<p class=\"banner degraded\">the history cannot be read: ").append(Html.escape(e.getMessage())).append("</p>\n");
      return;
    }
    if (past.isEmpty()) {
      html.append("<p>no reports yet</p>\n");
      return;
    }
    html.append("<table class=\"hosts\"><tr><th>received</th><th>result</th><th>generation</th><th>commit</th><th>change</th>")
        .append("<th>failure</th></tr>\n");
    Map<String, String> changes = new LinkedHashMap<>();
    for (Report p : past) {
      Map<String, Object> doc = p.document();
      String change = p.commit() == null ? "" : changes.computeIfAbsent(p.commit(), this::change);
      html.append("<tr><td>").append(Html.text(doc.get("received_at"))).append("</td><td>").append(Html.text(doc.get("result")))
          .append("</td><td>").append(Html.text(doc.get("generation"))).append("</td><td><code>")
          .append(Html.escape(Html.shortCommit(doc.get("commit")))).append("</code></td><td>").append(Html.escape(change))
          .append("</td><td class=\"reason\">").append(Html.escape(FleetPage.reason(p))).append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private Report report(String host) {
    try {
      return rollouts.reports().get(host).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private String change(String commit) {
    try {
      return snapshots.history().commit(commit).map(c -> c.subject() + " (" + c.author() + ", " + Html.time(c.time()) + ")")
          .orElse("not in the repository");
    } catch (dev.roller.repo.ConfigRepoException e) {
      return "";
    }
  }

  private static void row(StringBuilder html, String key, String value) {
    html.append("<tr><th>").append(Html.escape(key)).append("</th><td>").append(Html.escape(value)).append("</td></tr>");
  }

}
