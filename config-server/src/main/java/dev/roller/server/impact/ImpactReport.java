package dev.roller.server.impact;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.Problem;
import dev.roller.repo.impact.Impact;
import dev.roller.repo.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to "what would this change do to the fleet" (DESIGN §7) as a document, shared by
 * {@code GET /impact} and {@code config-server impact}: the counts, then each group of hosts whose
 * spec changes the same way (largest first) with its first hosts, hostclasses, datacenters,
 * package, param and peer changes, and its services' predicted actions.
 */
public final class ImpactReport {
  /** Hosts listed in a group; {@code ?group=N&page=K} (or {@code --group}) lists them all. */
  public static final int HOSTS_SHOWN = 20;
  /** Hosts per page of a group's listing. */
  public static final int PAGE = 1000;
  /**
   * Groups whose services the summary predicts (each renders one host's packages twice); the rest
   * say so, and each one's {@link #page} predicts it.
   */
  public static final int PREDICTED_GROUPS = 100;

  /** What a change does to one host's services: service (or package, when unknown) to action. */
  public interface Predictor {
    Map<String, String> predict(Spec before, Spec after);
  }

  private ImpactReport() {}

  /** The answer for an invalid {@code to}: every problem, nothing else computed. */
  public static Map<String, Object> invalid(String from, String to, List<Problem> problems) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("from", from);
    doc.put("to", to);
    doc.put("valid", false);
    doc.put("problems", problems.stream().map(Problem::toString).toList());
    return doc;
  }

  public static Map<String, Object> document(String from, String to, ConfigRepo before, ConfigRepo after, Impact impact,
      Predictor predictor) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("from", from);
    doc.put("to", to);
    doc.put("valid", true);
    doc.put("hosts", map("total", impact.total(), "changed", impact.changed(), "added", impact.added(), "removed",
        impact.removed()));
    List<Object> groups = new ArrayList<>();
    int n = 0;
    for (Impact.Group g : impact.groups()) {
      n++;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", n);
      m.put("count", g.hosts().size());
      if (!g.kind().equals("changed")) {
        m.put("kind", g.kind());
      }
      m.put("hosts", g.hosts().subList(0, Math.min(HOSTS_SHOWN, g.hosts().size())));
      m.put("hostclasses", List.copyOf(g.hostclasses()));
      m.put("datacenters", List.copyOf(g.datacenters()));
      m.put("packages", changes(g.change().packages()));
      m.put("params", changes(g.change().params()));
      Map<String, Object> peers = new LinkedHashMap<>();
      g.change().peers().forEach((hc, c) -> {
        Map<String, Object> pm = map("added", c.added(), "removed", c.removed());
        if (!c.changed().isEmpty()) {
          pm.put("params_changed", c.changed());
        }
        peers.put(hc, pm);
      });
      m.put("peers", peers);
      m.put("rollout", rollout(g, g.kind().equals("removed") ? before : after));
      m.put("services", n <= PREDICTED_GROUPS ? services(g, before, after, predictor)
          : Map.of("*", "not predicted here (the " + PREDICTED_GROUPS + " largest groups are): ?group=" + n + " predicts it"));
      groups.add(m);
    }
    doc.put("groups", groups);
    return doc;
  }

  /**
   * Page {@code page} (1-based) of the hosts of group {@code group} (1-based), with the group's
   * predicted services; an index out of range is an {@link IllegalArgumentException}.
   */
  public static Map<String, Object> page(String from, String to, ConfigRepo before, ConfigRepo after, Impact impact,
      int group, int page, Predictor predictor) {
    if (group < 1 || group > impact.groups().size()) {
      throw new IllegalArgumentException("no group " + group + ": this change has " + impact.groups().size()
          + " group" + (impact.groups().size() == 1 ? "" : "s"));
    }
    Impact.Group g = impact.groups().get(group - 1);
    List<String> hosts = g.hosts();
    int pages = Math.max(1, (hosts.size() + PAGE - 1) / PAGE);
    if (page < 1 || page > pages) {
      throw new IllegalArgumentException("no page " + page + " of group " + group + ": it has " + pages + " page"
          + (pages == 1 ? "" : "s") + " of " + PAGE + " hosts");
    }
    Map<String, Object> doc = map("from", from, "to", to, "group", group, "count", hosts.size());
    doc.put("page", page);
    doc.put("pages", pages);
    doc.put("services", services(g, before, after, predictor));
    doc.put("hosts", hosts.subList((page - 1) * PAGE, Math.min(hosts.size(), page * PAGE)));
    return doc;
  }

  /** How the change would reach the group's hosts: their hostclass's {@code rollout:} (DESIGN §8). */
  private static String rollout(Impact.Group g, ConfigRepo repo) {
    List<String> out = new ArrayList<>();
    for (String hc : g.hostclasses()) {
      dev.roller.repo.model.Hostclass h = repo.hostclasses().get(hc);
      String text = h == null || h.rollout() == null ? "every host at once" : h.rollout().describe();
      out.add(g.hostclasses().size() == 1 ? text : hc + ": " + text);
    }
    return String.join("; ", out);
  }

  /** The group's services, predicted for one of its hosts (every host of a group changes the same way). */
  private static Map<String, String> services(Impact.Group g, ConfigRepo before, ConfigRepo after, Predictor predictor) {
    if (predictor == null) {
      return Map.of("*", "not predicted (no package store)");
    }
    String host = g.sample();
    return predictor.predict(before.spec(host).orElse(null), after.spec(host).orElse(null));
  }

  private static Map<String, Object> changes(Map<String, Impact.Change> changes) {
    Map<String, Object> out = new LinkedHashMap<>();
    changes.forEach((key, c) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", c.from());
      m.put("to", c.to());
      out.put(key, m);
    });
    return out;
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
