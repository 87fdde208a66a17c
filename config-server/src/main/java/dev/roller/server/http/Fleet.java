package dev.roller.server.http;

import dev.roller.repo.model.Host;
import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How each host stands against the repo (DESIGN §10): its latest report, from the {@link
 * ReportIndex}, compared with the spec the commit served wants for it, by the spec's one digest
 * ({@code Spec.digest}: what the repo says, commit left out), so a commit that does not change a
 * host's spec leaves it in sync. The whole fleet's standing ({@link #summary}) is worked out once
 * per commit and version of the reports, never with a store read per host.
 */
final class Fleet {
  enum State {
    IN_SYNC("in sync"),
    DRIFTED("drifted"),
    FAILING("failing"),
    NEVER_REPORTED("never reported"),
    /** The stored report does not parse (written by an older server, or damaged in the store). */
    UNREADABLE("report unreadable");

    final String label;

    State(String label) {
      this.label = label;
    }

    /** The name in a CSS class or a URL: the label with dashes. */
    String slug() {
      return label.replace(' ', '-');
    }

    /** The state a query names, by label or slug ({@code in sync}, {@code in-sync}), or null. */
    static State named(String name) {
      for (State s : values()) {
        if (s.label.equals(name.toLowerCase(Locale.ROOT)) || s.slug().equals(name.toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      return null;
    }
  }

  /** A host's standing: its state, what the repo wants (digest) and what it last reported (may be null). */
  record Status(String host, State state, String desiredDigest, Map<String, Object> report) {}

  /** One host in the fleet: where it is, how it stands, its latest report (null: never). */
  record Row(Host host, State state, Report report) {}

  /** Hosts per state, indexed by {@link State#ordinal}. */
  static final class Counts {
    final int[] n = new int[State.values().length];

    void add(State s) {
      n[s.ordinal()]++;
    }

    void remove(State s) {
      n[s.ordinal()]--;
    }

    Counts copy() {
      Counts c = new Counts();
      System.arraycopy(n, 0, c.n, 0, n.length);
      return c;
    }

    int of(State s) {
      return n[s.ordinal()];
    }

    int total() {
      int t = 0;
      for (int v : n) {
        t += v;
      }
      return t;
    }

    /** The worst state any host is in: what a glance at a cell should see. */
    State worst() {
      for (State s : List.of(State.FAILING, State.UNREADABLE, State.DRIFTED, State.NEVER_REPORTED)) {
        if (of(s) > 0) {
          return s;
        }
      }
      return State.IN_SYNC;
    }

    Map<String, Object> document() {
      Map<String, Object> doc = new java.util.LinkedHashMap<>();
      for (State s : State.values()) {
        doc.put(s.label, of(s));
      }
      return doc;
    }
  }

  /**
   * The fleet at one commit and one version of the reports: every host in name order, and the
   * hosts per state per datacenter and hostclass ({@code grid}: datacenter, then hostclass).
   * {@code positions} (each host's place in {@code rows}) is the commit's, shared by its summaries.
   */
  record Summary(String commit, long version, List<Row> rows, Map<String, Map<String, Counts>> grid, Counts totals,
      Map<String, Integer> positions) {
    /** The rows a filter selects (null: any), in name order. */
    List<Row> select(State state, String hostclass, String datacenter) {
      if (state == null && hostclass == null && datacenter == null) {
        return rows;
      }
      List<Row> out = new ArrayList<>();
      for (Row row : rows) {
        if ((state == null || row.state() == state) && (hostclass == null || row.host().hostclass().equals(hostclass))
            && (datacenter == null || row.host().datacenter().equals(datacenter))) {
          out.add(row);
        }
      }
      return out;
    }
  }

  private final ReportIndex reports;
  private final Rollouts rollouts;
  private volatile Summary last;

  Fleet(ReportIndex reports, Rollouts rollouts) {
    this.reports = reports;
    this.rollouts = rollouts;
  }

  Status status(Snapshot s, String host) {
    String digest = rollouts.target(s, host);
    Report report = report(host);
    State state = state(digest, report);
    return new Status(host, state, digest, report == null ? null : report.document());
  }

  private Report report(String host) {
    try {
      return reports.get(host).orElse(null);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the reports: " + e.getMessage());
    }
  }

  private static State state(String digest, Report report) {
    if (report == null) {
      return State.NEVER_REPORTED;
    }
    if (report.problem() != null) {
      return State.UNREADABLE;
    }
    if (report.failed()) {
      return State.FAILING;
    }
    return digest.equals(report.running()) ? State.IN_SYNC : State.DRIFTED;
  }

  /** The fleet at the commit of {@code s} and the reports now (a 503 while the reports are still loading). */
  Summary summary(Snapshot s) {
    if (!reports.loaded()) {
      ReportIndex.Standing standing = reports.standing();
      throw new ApiException(503, "the hosts' reports are still loading (" + standing.loading() + " of " + standing.toLoad()
          + " read" + (standing.stale() == null ? "" : "; " + standing.stale()) + "): try again in a few seconds");
    }
    long version = reports.version();
    Summary kept = last;
    if (kept != null && kept.commit().equals(s.commit()) && kept.version() == version) {
      return kept;
    }
    if (kept != null && kept.commit().equals(s.commit())) {
      Optional<Set<String>> changed = reports.changedSince(kept.version());
      if (changed.isPresent()) {
        return remember(updated(s, kept, version, changed.get()));
      }
    }
    return remember(rebuilt(s, version));
  }

  private Summary remember(Summary summary) {
    last = summary;
    return summary;
  }

  /** Every host's standing worked out afresh (a new commit, or more report changes than the index remembers). */
  private Summary rebuilt(Snapshot s, long version) {
    rollouts.prepare(s);
    List<Row> rows = new ArrayList<>(s.repo().hosts().size());
    Map<String, Integer> positions = new HashMap<>(s.repo().hosts().size() * 2);
    Map<String, Map<String, Counts>> grid = new TreeMap<>();
    Counts totals = new Counts();
    for (Host host : s.repo().hosts().values()) {
      Report report = report(host.name());
      State state = state(rollouts.target(s, host.name()), report);
      positions.put(host.name(), rows.size());
      rows.add(new Row(host, state, report));
      grid.computeIfAbsent(host.datacenter(), k -> new TreeMap<>()).computeIfAbsent(host.hostclass(), k -> new Counts()).add(state);
      totals.add(state);
    }
    return new Summary(s.commit(), version, List.copyOf(rows), grid, totals, Collections.unmodifiableMap(positions));
  }

  /**
   * {@code kept} with the standing of the hosts whose reports changed since worked out again: a
   * report posted between two views costs those hosts, not the fleet. Equal to {@link #rebuilt}
   * (a host's target depends on the commit alone, its state on its own report alone).
   */
  private Summary updated(Snapshot s, Summary kept, long version, Set<String> changed) {
    Row[] rows = kept.rows().toArray(new Row[0]);
    Map<String, Map<String, Counts>> grid = new TreeMap<>();
    kept.grid().forEach((dc, byHostclass) -> {
      Map<String, Counts> copy = new TreeMap<>();
      byHostclass.forEach((hc, c) -> copy.put(hc, c.copy()));
      grid.put(dc, copy);
    });
    Counts totals = kept.totals().copy();
    for (String name : changed) {
      Integer at = kept.positions().get(name);
      if (at == null) {
        continue; // a report from a host the commit does not have: it is in no row
      }
      Row was = rows[at];
      Report report = report(name);
      State state = state(rollouts.target(s, name), report);
      Counts cell = grid.get(was.host().datacenter()).get(was.host().hostclass());
      cell.remove(was.state());
      totals.remove(was.state());
      cell.add(state);
      totals.add(state);
      rows[at] = new Row(was.host(), state, report);
    }
    return new Summary(s.commit(), version, List.of(rows), grid, totals, kept.positions());
  }
}
