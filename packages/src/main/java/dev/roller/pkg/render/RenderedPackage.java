package dev.roller.pkg.render;

import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.spec.Spec;
import java.util.List;
import java.util.Map;

/**
 * One package as rendered for one host: the spec's entry, its services and activate hook with
 * every string rendered ({@code activate} may be null), and the sha256 of each file its templates
 * rendered to (by path). What a generation records of each package, and what the config server's
 * impact prediction compares at two commits.
 */
public record RenderedPackage(Spec.Package source, String activate, List<ServiceUnit> services, Map<String, String> rendered) {
  public RenderedPackage {
    services = List.copyOf(services);
    rendered = Map.copyOf(rendered);
  }

  public PackageRef ref() {
    return source.ref();
  }

  public Sha256 sha256() {
    return source.sha256();
  }

  public long size() {
    return source.size();
  }
}
