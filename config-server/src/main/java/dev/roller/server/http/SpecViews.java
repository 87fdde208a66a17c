package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoredPackage;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.server.rollout.Report;
import dev.roller.server.rollout.Rollouts;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /hosts/{fqdn}/spec}: the resolved spec roll consumes, with each package's sha256 and
 * size: the host's target, or, while its rollout holds it (DESIGN §8), the spec its latest report
 * says it runs, resolved at that report's commit. {@code X-Roller-Rollout} says which, and why.
 */
final class SpecViews {
  static final HttpString ROLLOUT_HEADER = new HttpString("X-Roller-Rollout");

  private final PackageStore store;
  private final Snapshots snapshots;
  private final Rollouts rollouts;

  SpecViews(PackageStore store, Snapshots snapshots, Rollouts rollouts) {
    this.store = store;
    this.snapshots = snapshots;
    this.rollouts = rollouts;
  }

  Reply spec(Request r) {
    String name = r.name("fqdn", NameRule.HOST);
    Snapshot s = r.snapshot();
    Spec spec = s.repo().spec(name).orElseThrow(() -> ApiException.notFound("no host " + NameRule.quote(name)
        + " (no hosts/" + name + ".yml at " + s.commit() + ")"));
    if (r.flag("explain")) {
      Map<String, Object> doc = SpecCodec.toMap(published(spec));
      doc.put("explain", s.repo().explain(name).orElseThrow().toMap());
      return Reply.document(s.commit(), doc);
    }
    Rollouts.HostRollout place = place(s, name);
    // roll apply --retry: a host held only because its target failed here may try it again.
    boolean retry = r.flag("retry") && place.state() == Rollouts.State.FAILED;
    if (!retry && r.query("rev") == null) {
      r.exchange.putAttachment(Api.ANSWER_KEY, key(s, name, r.format(), place));
    }
    if (place.admitted() || retry) {
      // The spec's weak ETag is its digest (the commit left out), the one roll records: a host whose
      // spec did not change asks with If-None-Match and gets a 304, whatever else was committed.
      return Reply.document(s.commit(), issued(SpecCodec.toMap(published(spec)))).weakEtag(spec.digest())
          .header(ROLLOUT_HEADER.toString(), retry ? "target (retried: " + place.why() + ")" : place.why()).signed();
    }
    return held(r, s, name, place);
  }

  /**
   * What {@code host}'s spec answer depends on now, as a cache key (the commit, the format, the
   * spec served and why), or null when that cannot be said without blocking (the reports not read
   * yet, an unknown host).
   */
  String answerKey(Snapshot s, String host, Render.Format format) {
    if (!rollouts.reports().loaded() || NameRule.HOST.problem(host) != null || !s.repo().hosts().containsKey(host)) {
      return null;
    }
    try {
      return key(s, host, format, rollouts.host(s, host));
    } catch (IOException e) {
      return null;
    }
  }

  private static String key(Snapshot s, String host, Render.Format format, Rollouts.HostRollout place) {
    String digest = place.admitted() ? place.target() : place.report() == null ? "none" : place.report().running();
    return "spec|" + s.commit() + "|" + host + "|" + format + "|" + digest + "|" + place.why();
  }

  /**
   * The ETag {@code host}'s spec answer has now (its target's digest, or the held spec's), for a
   * parked long-poll to compare with; "gone" for a host the commit served does not have, null when
   * the reports cannot be read.
   */
  String etagNow(String host) {
    Snapshot s = snapshots.current();
    if (s == null) {
      return null;
    }
    if (!s.repo().hosts().containsKey(host)) {
      return "gone";
    }
    try {
      Rollouts.HostRollout place = rollouts.host(s, host);
      String digest = place.admitted() ? place.target() : place.report() == null ? null : place.report().running();
      return digest == null ? "none" : "W/\"" + digest + "\"";
    } catch (IOException e) {
      return null;
    }
  }

  /** Where {@code host} stands in its rollout; the reports unreadable is a 503 (a host is never admitted on what was not read). */
  Rollouts.HostRollout place(Snapshot s, String host) {
    try {
      return rollouts.host(s, host);
    } catch (IOException e) {
      throw new ApiException(503, "cannot read the hosts' reports, so cannot say whether " + host
          + " may move (it is held until they can be read): " + e.getMessage());
    }
  }

  /**
   * A held host's answer: the spec it runs (a 304 when it asks with that spec's digest, so holding
   * costs nothing), resolved at the commit of its report; a 503 when that spec cannot be resolved
   * as the report says, which holds it too.
   */
  private Reply held(Request r, Snapshot s, String host, Rollouts.HostRollout place) {
    Report report = place.report();
    if (report == null || report.running() == null || report.runningCommit() == null) {
      throw new ApiException(503, place.why() + "; and no spec it runs is known, so there is nothing to serve it");
    }
    String etag = "W/\"" + report.running() + "\"";
    if (Responses.notModified(r.exchange, etag)) {
      r.exchange.removeAttachment(Api.ANSWER_KEY); // a 304 with no spec made: nothing to keep
      return Reply.document(s.commit(), Map.of()).weakEtag(report.running()).header(ROLLOUT_HEADER.toString(), place.why());
    }
    Spec running;
    try {
      running = snapshots.at(report.runningCommit()).repo().spec(host).orElse(null);
    } catch (ConfigRepoException e) {
      throw new ApiException(503, place.why() + "; the commit it runs, " + report.runningCommit() + ", cannot be read: "
          + e.getMessage());
    }
    if (running == null || !running.digest().equals(report.running())) {
      throw new ApiException(503, place.why() + "; its report says it runs spec " + report.running() + " of "
          + report.runningCommit() + ", which that commit does not give it");
    }
    return Reply.document(s.commit(), issued(SpecCodec.toMap(published(running)))).weakEtag(running.digest())
        .header(ROLLOUT_HEADER.toString(), place.why()).signed();
  }

  /** The document with {@code issued}: when this answer was made (a host refuses one too old, or older than one it applied). */
  static Map<String, Object> issued(Map<String, Object> doc) {
    doc.put("issued", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    return doc;
  }

  /** {@code spec} with each package's sha256 and size from the store; a 422 naming those not published. */
  private Spec published(Spec spec) {
    List<Spec.Package> packages = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Spec.Package p : spec.packages()) {
      Optional<StoredPackage> stored = head(p.ref());
      if (stored.isEmpty()) {
        missing.add(p.ref().toString());
        continue;
      }
      packages.add(new Spec.Package(p.ref(), stored.get().sha256(), stored.get().size()));
    }
    if (!missing.isEmpty()) {
      throw new ApiException(422, "the spec of " + spec.host() + " names packages that are not published: "
          + String.join(", ", missing) + " (publish them with roller-pkg publish)");
    }
    return spec.withPackages(packages);
  }

  private Optional<StoredPackage> head(PackageRef ref) {
    try {
      return store.head(ref);
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
  }
}
