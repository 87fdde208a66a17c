package dev.roller.server.http;

import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.ReportIndex;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.util.Map;

/**
 * How a host stands against the repo: its latest report (kept in the package store) compared
 * with the spec the repo wants for it now, by the spec's one digest ({@code Spec.digest}: what the
 * repo says, commit left out), so a commit that does not change a host's spec leaves it in sync.
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
  }

  /** A host's standing: its state, what the repo wants (digest) and what it last reported (may be null). */
  record Status(String host, State state, String desiredDigest, Map<String, Object> report) {}

  private final ReportIndex reports;

  Fleet(ReportIndex reports) {
    this.reports = reports;
  }

  Status status(Snapshot s, String host) {
    String digest = s.repo().spec(host).orElseThrow().digest();
    Report report;
    try {
      report = reports.get(host).orElse(null);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the reports: " + e.getMessage());
    }
    if (report == null) {
      return new Status(host, State.NEVER_REPORTED, digest, null);
    }
    State state;
    if (report.problem() != null) {
      state = State.UNREADABLE;
    } else if (report.failed()) {
      state = State.FAILING;
    } else {
      state = digest.equals(report.running()) ? State.IN_SYNC : State.DRIFTED;
    }
    return new Status(host, state, digest, report.document());
  }
}
