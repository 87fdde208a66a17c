package dev.roller.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.roller.pkg.Sha256;
import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.resolve.ResolvedSpec;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a host stands against the repo: its latest report (kept in the package store) compared
 * with the spec the repo wants for it now. The comparison uses a digest of the repo-level spec
 * (hostclass, datacenter, package names and versions, params, peers), so a commit that does not
 * change a host's spec leaves it in sync.
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

  private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final PackageStore store;

  Fleet(PackageStore store) {
    this.store = store;
  }

  Status status(Snapshot s, String host) {
    ResolvedSpec desired = s.repo().spec(host).orElseThrow();
    String digest = digest(desired.toMap());
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

  /**
   * The digest of a spec's repo-level content: the same for the spec the server serves and the
   * spec roll reports having applied (sha256, size and commit are left out).
   */
  static String digest(Map<String, Object> spec) {
    Map<String, Object> canonical = new TreeMap<>();
    for (String key : List.of("host", "hostclass", "datacenter", "params", "peers")) {
      canonical.put(key, spec.get(key));
    }
    List<Object> packages = new ArrayList<>();
    if (spec.get("packages") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> p) {
          Map<String, Object> ref = new LinkedHashMap<>();
          ref.put("name", String.valueOf(p.get("name")));
          ref.put("version", String.valueOf(p.get("version")));
          packages.add(ref);
        }
      }
    }
    canonical.put("packages", packages);
    try {
      return Sha256.of(CANONICAL.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8)).hex();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
