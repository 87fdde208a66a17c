package dev.roller.roll.generation;

import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.roll.RollException;
import dev.roller.roll.service.ServiceUnit;
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
public record GenerationRecord(int generation, String builtAt, Spec spec, List<Pkg> packages) {

  /** One package as this generation has it: the spec's entry, and what roll made of it. {@code activate} may be null. */
  public record Pkg(Spec.Package source, String activate, List<ServiceUnit> services, Map<String, String> rendered) {
    public Pkg {
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

  /** Where the record lives inside a generation. */
  public static final String PATH = ".roller/generation.yml";

  public GenerationRecord {
    packages = List.copyOf(packages);
    if (!packages.stream().map(Pkg::source).toList().equals(spec.packages())) {
      throw new IllegalArgumentException("a generation's packages are its spec's, in its order");
    }
  }

  /** Every service of the generation, in start order (package order, then manifest order). */
  public List<ServiceUnit> services() {
    List<ServiceUnit> out = new ArrayList<>();
    packages.forEach(p -> out.addAll(p.services()));
    return out;
  }

  /** The package named {@code name}, or null. */
  public Pkg pkg(String name) {
    for (Pkg p : packages) {
      if (p.ref().name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The package that ships the service named {@code service}, or null. */
  public Pkg owner(String service) {
    for (Pkg p : packages) {
      for (ServiceUnit u : p.services()) {
        if (u.name().equals(service)) {
          return p;
        }
      }
    }
    return null;
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
      Pkg p = packages.get(i);
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
    List<Pkg> pkgs = new ArrayList<>();
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
      pkgs.add(new Pkg(spec.packages().get(i), pm.get("activate") == null ? null : String.valueOf(pm.get("activate")),
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
