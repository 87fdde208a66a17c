package dev.roller.server.http;

import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoredPackage;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.resolve.Explanation;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /hosts/{fqdn}/spec}: the resolved spec roll consumes, with each package's sha256 and size. */
final class SpecViews {
  private final PackageStore store;

  SpecViews(PackageStore store) {
    this.store = store;
  }

  Reply spec(Request r) {
    String name = r.name("fqdn", NameRule.HOST);
    Snapshot s = r.snapshot();
    Spec spec = s.repo().spec(name).orElseThrow(() -> ApiException.notFound("no host " + NameRule.quote(name)
        + " (no hosts/" + name + ".yml at " + s.commit() + ")"));
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
      throw new ApiException(422, "the spec of " + name + " names packages that are not published: "
          + String.join(", ", missing) + " (publish them with roller-pkg publish)");
    }
    Map<String, Object> doc = SpecCodec.toMap(spec.withPackages(packages));
    if (r.flag("explain")) {
      Explanation why = s.repo().explain(name).orElseThrow();
      doc.put("explain", why.toMap());
    }
    // The spec's weak ETag is its digest (the commit left out), the one roll records: a host whose
    // spec did not change asks with If-None-Match and gets a 304, whatever else was committed.
    return r.flag("explain") ? Reply.document(s.commit(), doc)
        : Reply.document(s.commit(), doc).weakEtag(spec.digest());
  }

  private Optional<StoredPackage> head(PackageRef ref) {
    try {
      return store.head(ref);
    } catch (IOException e) {
      throw new ApiException(503, "the package store cannot be reached: " + e.getMessage());
    }
  }
}
