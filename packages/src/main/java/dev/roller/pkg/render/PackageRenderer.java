package dev.roller.pkg.render;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.Service;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders one package for one host: each template ({@code PATH.tmpl}, rendered to {@code PATH})
 * and every string of its manifest (service commands, reload, health checks, the activate hook).
 * roll renders with it to build a generation; the config server to predict what a change does to
 * a host's services. Bounded like every rendering: {@link Templates}' limits per template, {@link
 * #MAX_RENDERED_PER_PACKAGE} per package.
 */
public final class PackageRenderer {
  /** The most one package's templates may render to, all together. */
  public static final long MAX_RENDERED_PER_PACKAGE = 64L << 20;

  /** A template of a package: the path it renders to (without {@code .tmpl}) and its text. */
  public record Template(String path, String text) {}

  /** Where rendered files go (roll: into the new generation; a prediction: nowhere). */
  public interface Output {
    void write(String path, byte[] rendered) throws IOException;
  }

  private PackageRenderer() {}

  public static RenderedPackage render(Spec.Package p, Manifest manifest, List<Template> templates, Map<String, Object> context,
      Output out) throws PackageException, IOException {
    Map<String, String> rendered = new LinkedHashMap<>();
    long total = 0;
    for (Template t : templates) {
      String name = p.ref() + ":" + t.path() + ".tmpl";
      byte[] bytes = Templates.render(name, t.text(), context).getBytes(StandardCharsets.UTF_8);
      total += bytes.length;
      if (total > MAX_RENDERED_PER_PACKAGE) {
        throw new PackageException(p.ref() + ": its templates render to more than " + MAX_RENDERED_PER_PACKAGE
            + " bytes (at " + name + "): refused");
      }
      out.write(t.path(), bytes);
      rendered.put(t.path(), Sha256.of(bytes).hex());
    }
    List<ServiceUnit> units = new ArrayList<>();
    for (Service s : manifest.services()) {
      units.add(unit(p, s, context));
    }
    String activate = manifest.activate() == null ? null
        : Templates.render(p.ref() + ":" + Manifest.PATH + " hooks.activate", manifest.activate(), context);
    return new RenderedPackage(p, activate, units, rendered);
  }

  /** A manifest service with every string rendered for this host. */
  private static ServiceUnit unit(Spec.Package p, Service s, Map<String, Object> context) throws PackageException {
    String at = p.ref() + ":" + Manifest.PATH + " services[" + s.name() + "].";
    String run = Templates.render(at + "run", s.run(), context);
    String reload = s.reload() == null ? null : Templates.render(at + "reload", s.reload(), context);
    HealthCheck health = s.health() == null ? null : new HealthCheck(s.health().kind(),
        Templates.render(at + "health", s.health().target(), context), s.health().timeout());
    return new ServiceUnit(s.name(), run, s.stopTimeout(), reload, health);
  }
}
