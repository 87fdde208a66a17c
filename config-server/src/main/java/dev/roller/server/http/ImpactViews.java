package dev.roller.server.http;

import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.impact.Impact;
import dev.roller.repo.model.NameRule;
import dev.roller.server.impact.ImpactReport;
import dev.roller.server.impact.ImpactText;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /impact?to=B[&from=A][&group=N&page=K][&format=markdown|text|yaml|json]} (DESIGN §7):
 * which hosts a change would change, and how. {@code to} may be any commit, branch or tag the
 * server has or can fetch; an invalid one answers {@code valid: false} with its problems. An
 * answer depends only on its two commits, so the last few are kept (a group's pages come from one).
 */
final class ImpactViews {
  static final Set<String> KEYS = Set.of("to", "from", "group", "page", "format");
  private static final int KEPT = 8;

  private record Computed(Impact impact, Map<String, Object> document) {}

  private final Snapshots snapshots;
  private final ServicePrediction prediction;
  private final Map<String, Computed> kept = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Computed> eldest) {
      return size() > KEPT;
    }
  };

  ImpactViews(Snapshots snapshots, ServicePrediction prediction) {
    this.snapshots = snapshots;
    this.prediction = prediction;
  }

  Reply impact(Request r) {
    r.strictQuery(KEYS);
    String to = r.rev("to");
    if (to == null) {
      throw ApiException.badRequest("missing ?to= (the commit, branch or tag to compare with; ?from= defaults to the commit served)");
    }
    String from = r.rev("from");
    Snapshot served = r.snapshot();
    String fromCommit = from == null ? served.commit() : resolve(from, "from");
    String toCommit = resolve(to, "to");
    String format = r.query("format");
    Integer group = number(r, "group");
    Integer page = number(r, "page");
    Snapshot a;
    try {
      a = snapshots.at(fromCommit);
    } catch (ConfigRepoException e) {
      throw new ApiException(422, "from " + fromCommit + " is invalid (it was never served): " + e.getMessage());
    }
    Snapshot b;
    try {
      b = snapshots.at(toCommit);
    } catch (ConfigRepoException e) {
      return answer(r, format, served.commit(), ImpactReport.invalid(fromCommit, toCommit, e.problems()));
    }
    Computed computed = computed(fromCommit, toCommit, a, b);
    if (group != null || page != null) {
      try {
        return answer(r, format, served.commit(), ImpactReport.page(fromCommit, toCommit, a.repo(), b.repo(),
            computed.impact(), group == null ? 1 : group, page == null ? 1 : page, prediction::predict));
      } catch (IllegalArgumentException e) {
        throw ApiException.notFound(e.getMessage());
      }
    }
    return answer(r, format, served.commit(), computed.document());
  }

  private Computed computed(String from, String to, Snapshot a, Snapshot b) {
    String key = from + ".." + to;
    synchronized (kept) {
      Computed c = kept.get(key);
      if (c != null) {
        return c;
      }
    }
    Impact impact = Impact.between(a.repo(), b.repo());
    Computed c = new Computed(impact, ImpactReport.document(from, to, a.repo(), b.repo(), impact, prediction::predict));
    synchronized (kept) {
      kept.put(key, c);
    }
    return c;
  }

  private static Reply answer(Request r, String format, String commit, Map<String, Object> doc) {
    if ("markdown".equals(format) || "text".equals(format)) {
      boolean markdown = format.equals("markdown");
      String text = doc.containsKey("page") ? ImpactText.page(doc, markdown)
          : markdown ? ImpactText.markdown(doc) : ImpactText.text(doc);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      return new Reply(200, null, bytes, null, bytes.length,
          (format.equals("markdown") ? "text/markdown" : "text/plain") + "; charset=utf-8", commit);
    }
    return Reply.document(commit, doc);
  }

  /** The commit of {@code rev}; one the server does not have yet is fetched once (a branch just pushed). */
  private String resolve(String rev, String param) {
    try {
      return snapshots.resolve(rev);
    } catch (ConfigRepoException unknown) {
      try {
        snapshots.fetch();
        return snapshots.resolve(rev);
      } catch (ConfigRepoException e) {
        throw ApiException.notFound("unknown " + param + " " + NameRule.quote(rev) + ": no such commit, branch or tag"
            + " (after fetching)");
      }
    }
  }

  private static Integer number(Request r, String param) {
    String value = r.query(param);
    if (value == null) {
      return null;
    }
    if (!value.matches("[0-9]{1,9}")) {
      throw ApiException.badRequest(param + " must be a number from 1, not " + NameRule.quote(value));
    }
    return Integer.parseInt(value);
  }
}
