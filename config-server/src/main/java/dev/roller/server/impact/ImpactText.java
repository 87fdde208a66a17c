package dev.roller.server.impact;

import java.util.List;
import java.util.Map;

/**
 * The impact document ({@link ImpactReport}) for people: {@code markdown} for a pull-request
 * comment (one table row per group, at most {@link #MAX_LINES} lines however many hosts change)
 * and {@code text} for a terminal.
 */
public final class ImpactText {
  /** The most lines the markdown has. */
  public static final int MAX_LINES = 60;
  private static final int MAX_CELL = 120;

  private ImpactText() {}

  public static String markdown(Map<String, Object> doc) {
    StringBuilder out = new StringBuilder();
    String range = "`" + abbrev(doc.get("from")) + "` → `" + abbrev(doc.get("to")) + "`";
    if (!Boolean.TRUE.equals(doc.get("valid"))) {
      List<?> problems = (List<?>) doc.get("problems");
      out.append("### Roller impact ").append(range).append(": **invalid**, never served\n\n");
      int shown = Math.min(problems.size(), MAX_LINES - 4);
      for (int i = 0; i < shown; i++) {
        out.append("- `").append(cell(problems.get(i))).append("`\n");
      }
      if (problems.size() > shown) {
        out.append("- and ").append(problems.size() - shown).append(" more\n");
      }
      return out.toString();
    }
    Map<?, ?> hosts = (Map<?, ?>) doc.get("hosts");
    List<?> groups = (List<?>) doc.get("groups");
    int changing = ((Number) hosts.get("changed")).intValue() + ((Number) hosts.get("added")).intValue()
        + ((Number) hosts.get("removed")).intValue();
    out.append("### Roller impact ").append(range).append("\n\n");
    out.append("**").append(changing).append(" of ").append(hosts.get("total")).append(" hosts change** (")
        .append(hosts.get("changed")).append(" changed, ").append(hosts.get("added")).append(" added, ")
        .append(hosts.get("removed")).append(" removed) in ").append(groups.size()).append(" group")
        .append(groups.size() == 1 ? "" : "s").append(".\n");
    if (groups.isEmpty()) {
      return out.toString();
    }
    out.append("\n| # | hosts | hostclasses | datacenters | packages | params | peers | services | rollout |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    int lines = 7;
    int i = 0;
    for (; i < groups.size() && lines < MAX_LINES - 1; i++, lines++) {
      Map<?, ?> g = (Map<?, ?>) groups.get(i);
      List<?> names = (List<?>) g.get("hosts");
      String who = g.get("count") + (g.get("kind") == null ? "" : " " + g.get("kind")) + ": " + names.get(0)
          + (((Number) g.get("count")).intValue() > 1 ? ", …" : "");
      out.append("| ").append(g.get("group")).append(" | ").append(cell(who)).append(" | ")
          .append(cell(join((List<?>) g.get("hostclasses")))).append(" | ").append(cell(join((List<?>) g.get("datacenters"))))
          .append(" | ").append(cell(changes((Map<?, ?>) g.get("packages")))).append(" | ")
          .append(cell(changes((Map<?, ?>) g.get("params")))).append(" | ").append(cell(peers((Map<?, ?>) g.get("peers"))))
          .append(" | ").append(cell(services((Map<?, ?>) g.get("services")))).append(" | ")
          .append(cell(String.valueOf(g.get("rollout")))).append(" |\n");
    }
    if (i < groups.size()) {
      int rest = 0;
      for (int j = i; j < groups.size(); j++) {
        rest += ((Number) ((Map<?, ?>) groups.get(j)).get("count")).intValue();
      }
      out.append("| … | ").append(groups.size() - i).append(" more groups, ").append(rest)
          .append(" hosts (all of them: `GET /impact?to=…&group=N`) | | | | | | | |\n");
    }
    return out.toString();
  }

  public static String text(Map<String, Object> doc) {
    StringBuilder out = new StringBuilder();
    out.append("from ").append(doc.get("from")).append("\nto   ").append(doc.get("to")).append('\n');
    if (!Boolean.TRUE.equals(doc.get("valid"))) {
      out.append("invalid: it is never served\n");
      ((List<?>) doc.get("problems")).forEach(p -> out.append("  ").append(p).append('\n'));
      return out.toString();
    }
    Map<?, ?> hosts = (Map<?, ?>) doc.get("hosts");
    out.append("hosts: ").append(hosts.get("total")).append(" total, ").append(hosts.get("changed")).append(" changed, ")
        .append(hosts.get("added")).append(" added, ").append(hosts.get("removed")).append(" removed\n");
    for (Object o : (List<?>) doc.get("groups")) {
      Map<?, ?> g = (Map<?, ?>) o;
      out.append("\ngroup ").append(g.get("group")).append(": ").append(g.get("count")).append(" host")
          .append(((Number) g.get("count")).intValue() == 1 ? "" : "s").append(g.get("kind") == null ? "" : " " + g.get("kind"))
          .append(" (").append(join((List<?>) g.get("hosts"))).append(((List<?>) g.get("hosts")).size()
              < ((Number) g.get("count")).intValue() ? ", ..." : "").append(")\n");
      out.append("  hostclasses: ").append(join((List<?>) g.get("hostclasses"))).append("; datacenters: ")
          .append(join((List<?>) g.get("datacenters"))).append('\n');
      line(out, "packages", changes((Map<?, ?>) g.get("packages")));
      line(out, "params", changes((Map<?, ?>) g.get("params")));
      line(out, "peers", peers((Map<?, ?>) g.get("peers")));
      line(out, "services", services((Map<?, ?>) g.get("services")));
      line(out, "rollout", String.valueOf(g.get("rollout")));
    }
    return out.toString();
  }

  /**
   * A page of a group's hosts ({@link ImpactReport#page}) for people: a heading with the group's
   * services, then one host per line (a list in markdown), so the text feeds {@code xargs}.
   */
  public static String page(Map<String, Object> doc, boolean markdown) {
    StringBuilder out = new StringBuilder();
    String heading = "group " + doc.get("group") + ": " + doc.get("count") + (((Number) doc.get("count")).intValue() == 1 ? " host" : " hosts") + ", page " + doc.get("page") + " of "
        + doc.get("pages") + "; services: " + services((Map<?, ?>) doc.get("services"));
    out.append(markdown ? "### Roller impact `" + abbrev(doc.get("from")) + "` → `" + abbrev(doc.get("to")) + "`, "
        + heading + "\n\n" : "# " + heading + "\n");
    for (Object host : (List<?>) doc.get("hosts")) {
      out.append(markdown ? "- " : "").append(host).append('\n');
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String what, String text) {
    if (!text.isEmpty()) {
      out.append("  ").append(what).append(": ").append(text).append('\n');
    }
  }

  private static String changes(Map<?, ?> changes) {
    StringBuilder out = new StringBuilder();
    changes.forEach((key, value) -> {
      Map<?, ?> c = (Map<?, ?>) value;
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(key).append(' ').append(c.get("from") == null ? "(none)" : c.get("from")).append(" → ")
          .append(c.get("to") == null ? "(none)" : c.get("to"));
    });
    return out.toString();
  }

  private static String peers(Map<?, ?> peers) {
    StringBuilder out = new StringBuilder();
    peers.forEach((hc, value) -> {
      Map<?, ?> c = (Map<?, ?>) value;
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(hc).append(" +").append(((List<?>) c.get("added")).size()).append(" −").append(((List<?>) c.get("removed")).size());
      if (c.get("params_changed") instanceof List<?> changed) {
        out.append(" ~").append(changed.size());
      }
    });
    return out.toString();
  }

  private static String services(Map<?, ?> services) {
    StringBuilder out = new StringBuilder();
    services.forEach((name, action) -> {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(name).append(": ").append(action);
    });
    return out.toString();
  }

  private static String join(List<?> items) {
    StringBuilder out = new StringBuilder();
    items.forEach(i -> out.append(out.length() == 0 ? "" : ", ").append(i));
    return out.toString();
  }

  /** A table cell: one line, no pipes, at most {@link #MAX_CELL} characters. */
  private static String cell(Object value) {
    String s = String.valueOf(value).replace('\n', ' ').replace('\r', ' ').replace("|", "\\|").replace("`", "'");
    return s.length() <= MAX_CELL ? s : s.substring(0, MAX_CELL - 1) + "…";
  }

  private static String abbrev(Object commit) {
    String s = String.valueOf(commit);
    return s.length() > 12 ? s.substring(0, 12) : s;
  }
}
