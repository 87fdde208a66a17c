package dev.roller.repo.resolve;

import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Params;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one host should run (DESIGN §4), as the repo alone says it: packages in start order, params
 * merged host over hostclass over datacenter, and peers. {@code commit} is null for a folder.
 */
public record ResolvedSpec(
    String host,
    String hostclass,
    String datacenter,
    String commit,
    List<PackageRef> packages,
    Map<String, Object> params,
    Map<String, List<Peer>> peers) {
  public ResolvedSpec {
    packages = List.copyOf(packages);
    params = Params.copyOf(params);
    peers = Params.copyOf(peers);
  }

  /** The spec as plain maps and lists in DESIGN §4's order, ready for YAML or JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("host", host);
    out.put("hostclass", hostclass);
    out.put("datacenter", datacenter);
    if (commit != null) {
      out.put("commit", commit);
    }
    out.put("packages", packages.stream().map(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("version", p.version());
      return m;
    }).toList());
    out.put("params", new LinkedHashMap<>(params));
    Map<String, Object> peerMap = new LinkedHashMap<>();
    peers.forEach((hostclass, list) -> peerMap.put(hostclass, list.stream().map(peer -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", peer.name());
      m.put("params", new LinkedHashMap<>(peer.params()));
      return m;
    }).toList()));
    out.put("peers", peerMap);
    return out;
  }
}
