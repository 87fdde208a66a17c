package dev.roller.repo.spec;

import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Spec} as a document (DESIGN §4: plain maps and lists in that order, ready for YAML or
 * JSON) and back. Reading checks every field against the repo's own rules, so a hostile document
 * cannot make roll write outside its tree through a name or a digest.
 */
public final class SpecCodec {
  private SpecCodec() {}

  /** Whether a document read must give each package's sha256 and size (what roll applies) or may leave them out (a report). */
  public enum Identity {
    REQUIRED,
    OPTIONAL
  }

  public static Map<String, Object> toMap(Spec spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("host", spec.host());
    out.put("hostclass", spec.hostclass());
    out.put("datacenter", spec.datacenter());
    if (spec.commit() != null) {
      out.put("commit", spec.commit());
    }
    out.put("packages", spec.packages().stream().map(SpecCodec::pkg).toList());
    out.put("params", new LinkedHashMap<>(spec.params()));
    out.put("peers", peers(spec.peers()));
    return out;
  }

  private static Map<String, Object> pkg(Spec.Package p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.ref().name());
    m.put("version", p.ref().version());
    if (p.published()) {
      m.put("sha256", p.sha256().hex());
      m.put("size", p.size());
    }
    return m;
  }

  /** Peers as templates and documents see them: hostclass to a list of {@code name} and {@code params}. */
  public static Map<String, Object> peers(Map<String, List<Peer>> peers) {
    Map<String, Object> out = new LinkedHashMap<>();
    peers.forEach((hostclass, list) -> out.put(hostclass, list.stream().map(peer -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", peer.name());
      m.put("params", new LinkedHashMap<>(peer.params()));
      return m;
    }).toList()));
    return out;
  }

  /**
   * Reads a spec document (parsed JSON or YAML; keys it does not know are ignored); throws an
   * {@link IllegalArgumentException} naming the first field that is wrong.
   */
  public static Spec fromMap(Map<?, ?> doc, Identity identity) {
    String host = NameRule.HOST.require(text(doc, "host"));
    String hostclass = NameRule.HOSTCLASS.require(text(doc, "hostclass"));
    String datacenter = NameRule.DATACENTER.require(text(doc, "datacenter"));
    String commit = doc.get("commit") == null ? null : text(doc, "commit");
    if (commit != null && !commit.matches("[0-9a-f]{40}")) {
      throw new IllegalArgumentException("'commit' is not a commit id");
    }
    if (!(doc.get("packages") instanceof List<?> list)) {
      throw new IllegalArgumentException("'packages' is not a list");
    }
    List<Spec.Package> packages = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("a package is not a mapping");
      }
      PackageRef ref = new PackageRef(text(m, "name"), text(m, "version"));
      if (identity == Identity.OPTIONAL && m.get("sha256") == null) {
        packages.add(Spec.Package.of(ref));
        continue;
      }
      if (!(m.get("size") instanceof Number n) || n.longValue() < 0) {
        throw new IllegalArgumentException("package " + ref + " has no size");
      }
      packages.add(new Spec.Package(ref, new Sha256(text(m, "sha256")), n.longValue()));
    }
    return new Spec(host, hostclass, datacenter, commit, packages, map(doc.get("params"), "params"),
        peers(doc.get("peers")));
  }

  private static Map<String, List<Peer>> peers(Object value) {
    Map<String, List<Peer>> out = new LinkedHashMap<>();
    map(value, "peers").forEach((hostclass, list) -> {
      NameRule.HOSTCLASS.require(hostclass);
      if (!(list instanceof List<?> items)) {
        throw new IllegalArgumentException("'peers." + hostclass + "' is not a list");
      }
      List<Peer> peers = new ArrayList<>();
      for (Object item : items) {
        if (!(item instanceof Map<?, ?> m)) {
          throw new IllegalArgumentException("a peer of " + hostclass + " is not a mapping");
        }
        peers.add(new Peer(NameRule.HOST.require(text(m, "name")), map(m.get("params"), "params of a peer")));
      }
      out.put(hostclass, peers);
    });
    return out;
  }

  private static Map<String, Object> map(Object value, String what) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("'" + what + "' is not a mapping");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static String text(Map<?, ?> doc, String key) {
    Object value = doc.get(key);
    if (value == null) {
      throw new IllegalArgumentException("'" + key + "' is missing");
    }
    return String.valueOf(value);
  }
}
