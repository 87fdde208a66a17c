package dev.roller.server.http;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.render.PackageRenderer;
import dev.roller.pkg.render.Plan;
import dev.roller.pkg.render.RenderedPackage;
import dev.roller.pkg.render.TemplateContext;
import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.store.StoredPackage;
import dev.roller.pkg.tar.Inspection;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.pkg.tar.TarballInspector;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.spec.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a change does to one host's services, decided as roll decides it (DESIGN §5, {@link
 * Plan}): each package is rendered for the host at both commits with the one renderer roll uses
 * ({@link PackageRenderer}, templates and manifest read from the package's tarball in the store),
 * and the plan between the two says, per service, restart, reload, start, stop or unchanged. A
 * package that is not published, or cannot be rendered, makes its services {@code unknown}, with
 * the reason, keyed by the package's name.
 */
public final class ServicePrediction {
  /** Packages read from the store, by identity: a published version never changes. */
  private static final int CACHED_PACKAGES = 256;

  private final PackageStore store;
  private final Map<Sha256, Inspection> contents = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Sha256, Inspection> eldest) {
      return size() > CACHED_PACKAGES;
    }
  };

  public ServicePrediction(PackageStore store) {
    this.store = store;
  }

  /** Service (or package, when unknown) to its predicted action, for a host with spec {@code before} and then {@code after} (either may be null). */
  public Map<String, String> predict(Spec before, Spec after) {
    Map<String, String> unknown = new LinkedHashMap<>();
    List<RenderedPackage> from = before == null ? null : render(before, unknown);
    List<RenderedPackage> to = after == null ? List.of() : render(after, unknown);
    Map<String, String> out = new LinkedHashMap<>();
    Plan plan = Plan.between(from, to, false, service -> true);
    for (RenderedPackage p : to) {
      p.services().forEach(u -> out.put(u.name(), action(plan.reasons().get(u.name()))));
    }
    if (from != null) {
      for (RenderedPackage p : from) {
        p.services().forEach(u -> out.putIfAbsent(u.name(), action(plan.reasons().get(u.name()))));
      }
    }
    out.putAll(unknown);
    return out;
  }

  /** restart, reload, start or stop, from the plan's reason ("restart: package changed"); unchanged without one. */
  private static String action(String reason) {
    return reason == null ? "unchanged" : reason.substring(0, reason.indexOf(':'));
  }

  /** The spec's packages rendered for its host; those that cannot be are left out and named in {@code unknown}. */
  private List<RenderedPackage> render(Spec spec, Map<String, String> unknown) {
    List<Spec.Package> published = new ArrayList<>();
    Map<Spec.Package, Inspection> read = new LinkedHashMap<>();
    for (Spec.Package p : spec.packages()) {
      Optional<StoredPackage> stored;
      try {
        stored = store.head(p.ref());
      } catch (IOException e) {
        unknown.put(p.ref().name(), "unknown (the package store cannot be reached: " + e.getMessage() + ")");
        continue;
      }
      if (stored.isEmpty()) {
        unknown.put(p.ref().name(), "unknown (" + p.ref() + " is not published)");
        continue;
      }
      Spec.Package identified = new Spec.Package(p.ref(), stored.get().sha256(), stored.get().size());
      try {
        read.put(identified, contents(identified));
        published.add(identified);
      } catch (IOException | PackageException e) {
        unknown.put(p.ref().name(), "unknown (" + p.ref() + " cannot be read: " + e.getMessage() + ")");
      }
    }
    Map<String, Object> context = TemplateContext.of(spec.withPackages(published), TemplateContext.Paths.HOST);
    List<RenderedPackage> out = new ArrayList<>();
    for (Map.Entry<Spec.Package, Inspection> e : read.entrySet()) {
      try {
        out.add(PackageRenderer.render(e.getKey(), e.getValue().manifest(), e.getValue().templates(), context, (path, bytes) -> {}));
      } catch (PackageException | IOException problem) {
        unknown.put(e.getKey().ref().name(), "unknown (" + problem.getMessage() + ")");
      }
    }
    return out;
  }

  private Inspection contents(Spec.Package p) throws IOException, PackageException {
    synchronized (contents) {
      Inspection kept = contents.get(p.sha256());
      if (kept != null) {
        return kept;
      }
    }
    Inspection inspection;
    try (InputStream in = store.open(p.ref())) {
      inspection = TarballInspector.inspect(in, SafeExtractor.Limits.DEFAULT, true);
    }
    if (!inspection.sha256().equals(p.sha256())) {
      throw new PackageException("the store holds other bytes than its sha256 says");
    }
    synchronized (contents) {
      contents.put(p.sha256(), inspection);
    }
    return inspection;
  }
}
