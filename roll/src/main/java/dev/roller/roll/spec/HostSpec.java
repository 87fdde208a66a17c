package dev.roller.roll.spec;

import dev.roller.pkg.Sha256;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.roll.RollException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's resolved spec as the config server serves it (DESIGN §4), checked field by field: a
 * server cannot make roll write outside its tree through a hostile name or digest.
 */
public record HostSpec(
    String host,
    String hostclass,
    String datacenter,
    String commit,
    List<Package> packages,
    Map<String, Object> params,
    Map<String, Object> peers) {

  /** A package of the spec: name-version, identity and size. */
  public record Package(PackageRef ref, Sha256 sha256, long size) {}

  public HostSpec {
    packages = List.copyOf(packages);
    params = dev.roller.repo.model.Params.copyOf(params);
    peers = dev.roller.repo.model.Params.copyOf(peers);
  }

  /** Reads a spec document (parsed JSON or YAML); throws naming the first field that is wrong. */
  @SuppressWarnings("unchecked")
  public static HostSpec fromMap(Map<String, Object> doc) throws RollException {
    try {
      String host = NameRule.HOST.require(text(doc, "host"));
      String hostclass = NameRule.HOSTCLASS.require(text(doc, "hostclass"));
      String datacenter = NameRule.DATACENTER.require(text(doc, "datacenter"));
      String commit = doc.get("commit") == null ? null : text(doc, "commit");
      if (commit != null && !commit.matches("[0-9a-f]{40}")) {
        throw new IllegalArgumentException("'commit' is not a commit id");
      }
      List<Package> packages = new ArrayList<>();
      if (!(doc.get("packages") instanceof List<?> list)) {
        throw new IllegalArgumentException("'packages' is not a list");
      }
      for (Object item : list) {
        if (!(item instanceof Map<?, ?> p)) {
          throw new IllegalArgumentException("a package is not a mapping");
        }
        Map<String, Object> m = (Map<String, Object>) p;
        Object size = m.get("size");
        if (!(size instanceof Number n) || n.longValue() < 0) {
          throw new IllegalArgumentException("package " + m.get("name") + " has no size");
        }
        packages.add(new Package(new PackageRef(text(m, "name"), text(m, "version")), new Sha256(text(m, "sha256")),
            n.longValue()));
      }
      Map<String, Object> params = doc.get("params") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
      Map<String, Object> peers = doc.get("peers") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
      return new HostSpec(host, hostclass, datacenter, commit, packages, new LinkedHashMap<>(params), new LinkedHashMap<>(peers));
    } catch (IllegalArgumentException e) {
      throw new RollException("the config server sent a spec roll cannot use: " + e.getMessage(), e);
    }
  }

  private static String text(Map<String, Object> doc, String key) {
    Object value = doc.get(key);
    if (value == null) {
      throw new IllegalArgumentException("'" + key + "' is missing");
    }
    return String.valueOf(value);
  }

  /** Package name to version, in start order. */
  public Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    packages.forEach(p -> out.put(p.ref().name(), p.ref().version()));
    return out;
  }
}
