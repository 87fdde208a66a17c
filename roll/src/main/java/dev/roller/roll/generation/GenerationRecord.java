package dev.roller.roll.generation;

import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.pkg.render.Plan;
import dev.roller.pkg.render.RenderedPackage;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.roll.RollException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a generation was built from and what roll made of it ({@code .roller/generation.yml}): the
 * spec, and each package with its services and activate hook rendered for this host and the sha256
 * of each file it rendered. On disk the spec's own fields ({@link SpecCodec}) come first, with its
 * digest, then each package's extras under its entry.
 */
public record GenerationRecord(int generation, String builtAt, Spec spec, List<RenderedPackage> packages) {
  /** This record with {@code spec} instead (the same spec, served at another commit). */
  public GenerationRecord withSpec(Spec spec) {
    return new GenerationRecord(generation, builtAt, spec, packages);
  }


  /** Where the record lives inside a generation. */
  public static final String PATH = ".roller/generation.yml";

  public GenerationRecord {
    packages = List.copyOf(packages);
    if (!packages.stream().map(RenderedPackage::source).toList().equals(spec.packages())) {
      throw new IllegalArgumentException("a generation's packages are its spec's, in its order");
    }
  }

  /** Every service of the generation, in start order (package order, then manifest order). */
  public List<ServiceUnit> services() {
    return Plan.services(packages);
  }

  /** The package named {@code name}, or null. */
  public RenderedPackage pkg(String name) {
    return Plan.pkg(packages, name);
  }

  /** The package that ships the service named {@code service}, or null. */
  public RenderedPackage owner(String service) {
    return Plan.owner(packages, service);
  }

  /** The plan from generation {@code from} (null: none yet) to {@code to}: see {@link Plan#between}. */
  public static Plan plan(GenerationRecord from, GenerationRecord to, boolean restartAll, Predicate<String> running) {
    return Plan.between(from == null ? null : from.packages(), to.packages(), restartAll, running);
  }

  /** The record of the generation in {@code dir}, or null if it has none (generation 0, a blank host's own tree). */
  public static GenerationRecord read(Path dir) throws RollException {
    Path file = dir.resolve(PATH);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new RollException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      return fromMap((Map<?, ?>) doc);
    } catch (RuntimeException e) {
      throw new RollException(file + " is damaged (" + e.getMessage() + "); roll verify and a fresh roll rebuild it", e);
    }
  }

  /** Writes the record into the generation folder {@code dir}. */
  public void write(Path dir) throws IOException {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setDereferenceAliases(true);
    dev.roller.host.AtomicFile.write(dir.resolve(PATH), new Yaml(options).dump(toMap()));
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generation", generation);
    m.put("built_at", builtAt);
    Map<String, Object> doc = SpecCodec.toMap(spec);
    doc.forEach((key, value) -> {
      m.put(key, value);
      if (key.equals("datacenter")) {
        m.put("commit", spec.commit());
        m.put("spec_digest", spec.digest());
      }
    });
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) doc.get("packages");
    for (int i = 0; i < packages.size(); i++) {
      RenderedPackage p = packages.get(i);
      Map<String, Object> pm = entries.get(i);
      if (p.activate() != null) {
        pm.put("activate", p.activate());
      }
      List<Object> services = new ArrayList<>();
      for (ServiceUnit u : p.services()) {
        Map<String, Object> um = new LinkedHashMap<>();
        um.put("name", u.name());
        um.put("run", u.run());
        um.put("stop_timeout_ms", u.stopTimeout().toMillis());
        if (u.reload() != null) {
          um.put("reload", u.reload());
        }
        if (u.health() != null) {
          um.put("health", Map.of("kind", u.health().kind().key, "target", u.health().target(),
              "timeout_ms", u.health().timeout().toMillis()));
        }
        services.add(um);
      }
      pm.put("services", services);
      pm.put("rendered", new TreeMap<>(p.rendered()));
    }
    return m;
  }

  private static GenerationRecord fromMap(Map<?, ?> m) {
    Spec spec = SpecCodec.fromMap(m, SpecCodec.Identity.REQUIRED);
    List<RenderedPackage> pkgs = new ArrayList<>();
    List<?> entries = (List<?>) m.get("packages");
    for (int i = 0; i < entries.size(); i++) {
      Map<?, ?> pm = (Map<?, ?>) entries.get(i);
      List<ServiceUnit> services = new ArrayList<>();
      for (Object s : (List<?>) pm.get("services")) {
        Map<?, ?> um = (Map<?, ?>) s;
        HealthCheck health = null;
        if (um.get("health") instanceof Map<?, ?> hm) {
          health = new HealthCheck(kind(String.valueOf(hm.get("kind"))), String.valueOf(hm.get("target")),
              Duration.ofMillis(((Number) hm.get("timeout_ms")).longValue()));
        }
        services.add(new ServiceUnit(String.valueOf(um.get("name")), String.valueOf(um.get("run")),
            Duration.ofMillis(((Number) um.get("stop_timeout_ms")).longValue()),
            um.get("reload") == null ? null : String.valueOf(um.get("reload")), health));
      }
      Map<String, String> rendered = new LinkedHashMap<>();
      ((Map<?, ?>) pm.get("rendered")).forEach((k, v) -> rendered.put(String.valueOf(k), String.valueOf(v)));
      pkgs.add(new RenderedPackage(spec.packages().get(i), pm.get("activate") == null ? null : String.valueOf(pm.get("activate")),
          services, rendered));
    }
    return new GenerationRecord(((Number) m.get("generation")).intValue(), String.valueOf(m.get("built_at")), spec, pkgs);
  }

  private static HealthCheck.Kind kind(String key) {
    for (HealthCheck.Kind k : HealthCheck.Kind.values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown health check kind " + key);
  }
}
