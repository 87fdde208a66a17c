package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

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

  private final PackageStore store;

  Fleet(PackageStore store) {
    this.store = store;
  }

  Status status(Snapshot s, String host) {
    String digest = s.repo().spec(host).orElseThrow().digest();
    Optional<byte[]> bytes;
    try {
      bytes = store.report(host);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the report of " + host + ": " + e.getMessage());
    }
    if (bytes.isEmpty()) {
      return new Status(host, State.NEVER_REPORTED, digest, null);
    }
    Object parsed;
    try {
      parsed = Render.parseYaml(bytes.get(), ReportViews.REPORT_LIMITS);
    } catch (dev.roller.repo.parse.SafeYaml.Refused e) {
      return new Status(host, State.UNREADABLE, digest, Map.of("error", "report unreadable: " + e.getMessage()));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> report = parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    String result = String.valueOf(report.get("result"));
    State state;
    if (result.equals("failed") || result.equals("rolled-back")) {
      state = State.FAILING;
    } else {
      state = digest.equals(report.get("digest")) ? State.IN_SYNC : State.DRIFTED;
    }
    return new Status(host, state, digest, report);
  }
}
