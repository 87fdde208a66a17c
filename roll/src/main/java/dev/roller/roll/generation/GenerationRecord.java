package dev.roller.roll.generation;

import dev.roller.pkg.Sha256;
import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.resolve.SpecDigest;
import dev.roller.roll.RollException;
import dev.roller.roll.service.ServiceUnit;
import dev.roller.roll.spec.HostSpec;
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
 * spec (and its digest, to tell at once whether a new spec is the same), each package with its
 * services and activate hook rendered for this host and the sha256 of each file it rendered.
 */
public record GenerationRecord(
    int generation,
    String builtAt,
    String host,
    String hostclass,
    String datacenter,
    String commit,
    String specDigest,
    List<Pkg> packages,
    Map<String, Object> params,
    Map<String, Object> peers) {

  /** One package as this generation has it. {@code activate} may be null. */
  public record Pkg(PackageRef ref, Sha256 sha256, long size, String activate, List<ServiceUnit> services,
      Map<String, String> rendered) {
    public Pkg {
      services = List.copyOf(services);
      rendered = Map.copyOf(rendered);
    }
  }

  /** Where the record lives inside a generation. */
  public static final String PATH = ".roller/generation.yml";

  public GenerationRecord {
    packages = List.copyOf(packages);
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

  /**
   * The digest of everything in a spec that shapes a generation ({@link SpecDigest}): the config
   * server sends the same one as the spec's ETag, so an unchanged spec needs no download.
   */
  public static String digest(HostSpec spec) {
    Map<String, Object> doc = new TreeMap<>();
    doc.put("host", spec.host());
    doc.put("hostclass", spec.hostclass());
    doc.put("datacenter", spec.datacenter());
    List<Object> packages = new ArrayList<>();
    for (HostSpec.Package p : spec.packages()) {
      packages.add(Map.of("name", p.ref().name(), "version", p.ref().version(), "sha256", p.sha256().hex(), "size", p.size()));
    }
    doc.put("packages", packages);
    doc.put("params", spec.params());
    doc.put("peers", spec.peers());
    return SpecDigest.of(doc);
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
    m.put("host", host);
    m.put("hostclass", hostclass);
    m.put("datacenter", datacenter);
    m.put("commit", commit);
    m.put("spec_digest", specDigest);
    List<Object> pkgs = new ArrayList<>();
    for (Pkg p : packages) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("name", p.ref().name());
      pm.put("version", p.ref().version());
      pm.put("sha256", p.sha256().hex());
      pm.put("size", p.size());
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
      pkgs.add(pm);
    }
    m.put("packages", pkgs);
    m.put("params", params);
    m.put("peers", peers);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static GenerationRecord fromMap(Map<?, ?> m) {
    List<Pkg> pkgs = new ArrayList<>();
    for (Object item : (List<?>) m.get("packages")) {
      Map<?, ?> pm = (Map<?, ?>) item;
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
      pkgs.add(new Pkg(new PackageRef(String.valueOf(pm.get("name")), String.valueOf(pm.get("version"))),
          new Sha256(String.valueOf(pm.get("sha256"))), ((Number) pm.get("size")).longValue(),
          pm.get("activate") == null ? null : String.valueOf(pm.get("activate")), services, rendered));
    }
    return new GenerationRecord(((Number) m.get("generation")).intValue(), String.valueOf(m.get("built_at")),
        String.valueOf(m.get("host")), String.valueOf(m.get("hostclass")), String.valueOf(m.get("datacenter")),
        m.get("commit") == null ? null : String.valueOf(m.get("commit")), String.valueOf(m.get("spec_digest")), pkgs,
        m.get("params") == null ? Map.of() : (Map<String, Object>) m.get("params"),
        m.get("peers") == null ? Map.of() : (Map<String, Object>) m.get("peers"));
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
