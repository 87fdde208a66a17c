package dev.roller.server.http;

import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.source.History;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The repo's history: diffs between commits, a host's spec diff, and the log of a path. */
final class HistoryViews {
  private static final int MAX_LOG = 1000;

  private final Snapshots snapshots;

  HistoryViews(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  /** {@code /diff?from=A&to=B[&path=P]}: to defaults to the commit served. */
  Reply diff(Request r) {
    String from = commit(r, "from", true);
    String to = commit(r, "to", false);
    String path = path(r);
    try {
      String diff = snapshots.history().diff(from, to, path);
      return text(r, to, diff, Request.map("from", from, "to", to, "path", path, "diff", diff));
    } catch (ConfigRepoException e) {
      throw new ApiException(500, e.getMessage());
    }
  }

  /** {@code /hosts/{fqdn}/spec/diff?from=A&to=B}: how the host's resolved spec changed (repo values only). */
  Reply specDiff(Request r) {
    String host = r.name("fqdn", NameRule.HOST);
    String from = commit(r, "from", true);
    String to = commit(r, "to", false);
    String a = specText(host, from);
    String b = specText(host, to);
    if (a.isEmpty() && b.isEmpty()) {
      throw ApiException.notFound("no host " + NameRule.quote(host) + " at " + from + " or at " + to);
    }
    // The commit line left out: a host whose spec did not change has an empty diff, and says so.
    String diff = a.equals(b) ? "" : History.diffTexts(a, host + " at " + from, b, host + " at " + to);
    return text(r, to, diff, Request.map("host", host, "from", from, "to", to, "unchanged", diff.isEmpty(), "diff", diff));
  }

  /** {@code /log?path=P[&limit=N]}: commits touching P, newest first, from the commit served (or ?rev). */
  Reply log(Request r) {
    String path = path(r);
    int limit = 100;
    String asked = r.query("limit");
    if (asked != null) {
      try {
        limit = Integer.parseInt(asked);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LOG) {
        throw ApiException.badRequest("limit must be a number from 1 to " + MAX_LOG);
      }
    }
    Snapshot s = r.snapshot();
    try {
      List<Map<String, Object>> commits = new ArrayList<>();
      for (History.Commit c : snapshots.history().log(s.commit(), path, limit)) {
        commits.add(Request.map("sha", c.sha(), "author", c.author(), "time", c.time().toString(), "subject", c.subject()));
      }
      return Reply.document(s.commit(), commits);
    } catch (ConfigRepoException e) {
      throw new ApiException(500, e.getMessage());
    }
  }

  private String specText(String host, String commit) {
    Snapshot s;
    try {
      s = snapshots.at(commit);
    } catch (ConfigRepoException e) {
      throw new ApiException(422, "commit " + commit + " is invalid and is never served");
    }
    return s.repo().spec(host).map(spec -> SpecCodec.toMap(spec.withCommit(null)))
        .map(m -> new String(Render.render(m, Render.Format.YAML), StandardCharsets.UTF_8))
        .orElse("");
  }

  private String commit(Request r, String param, boolean required) {
    String rev = r.rev(param);
    if (rev == null) {
      if (required) {
        throw ApiException.badRequest("missing ?" + param + "= (a commit, branch or tag)");
      }
      return r.snapshot().commit();
    }
    try {
      return snapshots.resolve(rev);
    } catch (ConfigRepoException e) {
      throw ApiException.notFound(e.getMessage());
    }
  }

  /** An optional repo path: relative, no '..', no empty segments. */
  private static String path(Request r) {
    String path = r.query("path");
    if (path == null || path.isEmpty()) {
      return null;
    }
    if (path.length() > 1024 || path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.contains("\0")
        || List.of(path.split("/")).stream().anyMatch(seg -> seg.equals("..") || seg.equals("."))) {
      throw ApiException.badRequest("bad path " + NameRule.quote(path) + ": a path inside the repo, such as hosts/web1.example.com.yml");
    }
    return path;
  }

  /** A diff as text/x-diff, or as a document when JSON is asked for. */
  private static Reply text(Request r, String commit, String diff, Map<String, Object> doc) {
    if (r.format() == Render.Format.JSON) {
      return Reply.document(commit, doc);
    }
    byte[] bytes = diff.getBytes(StandardCharsets.UTF_8);
    return new Reply(200, null, bytes, null, bytes.length, "text/x-diff; charset=utf-8", commit);
  }
}
