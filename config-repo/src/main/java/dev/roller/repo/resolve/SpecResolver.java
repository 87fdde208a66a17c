package dev.roller.repo.resolve;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.Origin;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.spec.Peer;
import dev.roller.repo.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a host's spec from its three files. Params merge by top-level key: host over hostclass
 * over datacenter (a key keeps the position where it first appeared). Packages: the hostclass's,
 * in order, with the host's pins replacing versions in place; packages only the host names come
 * last, in its file's order. Thread-safe; stateless unless {@linkplain #memoizing memoizing}.
 */
public final class SpecResolver {
  private final ConfigRepo repo;
  /** With {@link #memoizing}: each host's merged params and each (peer hostclass, datacenter)'s peers, once. */
  private final Map<String, Map<String, Object>> merged;
  private final Map<String, List<Peer>> peerLists;

  public SpecResolver(ConfigRepo repo) {
    this(repo, false);
  }

  private SpecResolver(ConfigRepo repo, boolean memoize) {
    this.repo = repo;
    this.merged = memoize ? new java.util.concurrent.ConcurrentHashMap<>() : null;
    this.peerLists = memoize ? new java.util.concurrent.ConcurrentHashMap<>() : null;
  }

  /**
   * A resolver for many specs of one repo at once (the impact of a change resolves thousands): it
   * keeps each host's merged params and each peer list it computes, which every host of a
   * hostclass in a datacenter shares, so a peer is merged once, not once per host that has it.
   */
  public static SpecResolver memoizing(ConfigRepo repo) {
    return new SpecResolver(repo, true);
  }

  /** The spec of the host named {@code name}, if the repo has it. */
  public java.util.Optional<Spec> spec(String name) {
    return java.util.Optional.ofNullable(repo.hosts().get(name)).map(this::resolve);
  }

  private record Sourced<V>(V value, Origin origin, String key) {
    String at() {
      return origin.at(key);
    }
  }

  public Spec resolve(Host host) {
    Hostclass hostclass = repo.hostclasses().get(host.hostclass());
    Map<String, List<Peer>> peers = new LinkedHashMap<>();
    for (String peerClass : hostclass.peers()) {
      peers.put(peerClass, peerLists == null ? peers(peerClass, host.datacenter())
          : peerLists.computeIfAbsent(peerClass + "\n" + host.datacenter(), k -> peers(peerClass, host.datacenter())));
    }
    List<Spec.Package> packages = new ArrayList<>();
    packages(hostclass, host).forEach((name, version) -> packages.add(Spec.Package.of(new PackageRef(name, version.value()))));
    return new Spec(host.name(), host.hostclass(), host.datacenter(), repo.commit(),
        packages, mergedParams(host), peers);
  }

  private List<Peer> peers(String peerClass, String datacenter) {
    List<Peer> list = new ArrayList<>();
    for (String name : repo.index().hosts(peerClass, datacenter)) {
      list.add(new Peer(name, mergedParams(repo.hosts().get(name))));
    }
    return List.copyOf(list);
  }

  private Map<String, Object> mergedParams(Host host) {
    if (merged == null) {
      return values(params(host));
    }
    return merged.computeIfAbsent(host.name(), k -> dev.roller.repo.model.Params.copyOf(values(params(host))));
  }

  public Explanation explain(Host host) {
    Hostclass hostclass = repo.hostclasses().get(host.hostclass());
    Map<String, String> params = new LinkedHashMap<>();
    params(host).forEach((key, value) -> params.put(key, value.at()));
    Map<String, String> packages = new LinkedHashMap<>();
    packages(hostclass, host).forEach((name, version) -> packages.put(name, version.at()));
    Datacenter datacenter = repo.datacenters().get(host.datacenter());
    Map<String, List<Explanation.Level>> levels = new LinkedHashMap<>();
    for (String key : params.keySet()) {
      List<Explanation.Level> set = new ArrayList<>();
      level(set, "datacenter", datacenter.params(), datacenter.origin(), key);
      level(set, "hostclass", hostclass.params(), hostclass.origin(), key);
      level(set, "host", host.params(), host.origin(), key);
      Explanation.Level last = set.remove(set.size() - 1);
      set.add(new Explanation.Level(last.level(), last.at(), last.value(), true));
      levels.put(key, List.copyOf(set));
    }
    return new Explanation(params, packages, levels);
  }

  private static void level(List<Explanation.Level> set, String level, Map<String, Object> values, Origin origin, String key) {
    if (values.containsKey(key)) {
      set.add(new Explanation.Level(level, origin.at("params." + key), values.get(key), false));
    }
  }

  /** The effective package versions of {@code host}: the hostclass's with the host's pins and additions. */
  public static Map<String, String> packageVersions(Hostclass hostclass, Host host) {
    if (host.packages().isEmpty()) {
      return hostclass.packages();
    }
    Map<String, String> out = new LinkedHashMap<>(hostclass.packages());
    out.putAll(host.packages());
    return out;
  }

  private Map<String, Sourced<Object>> params(Host host) {
    Datacenter datacenter = repo.datacenters().get(host.datacenter());
    Hostclass hostclass = repo.hostclasses().get(host.hostclass());
    Map<String, Sourced<Object>> merged = new LinkedHashMap<>();
    layer(merged, datacenter.params(), datacenter.origin());
    layer(merged, hostclass.params(), hostclass.origin());
    layer(merged, host.params(), host.origin());
    return merged;
  }

  private static <V> void layer(Map<String, Sourced<V>> merged, Map<String, V> values, Origin origin) {
    values.forEach((key, value) -> merged.put(key, new Sourced<>(value, origin, "params." + key)));
  }

  private static Map<String, Sourced<String>> packages(Hostclass hostclass, Host host) {
    Map<String, Sourced<String>> out = new LinkedHashMap<>();
    hostclass.packages().forEach((name, version) ->
        out.put(name, new Sourced<>(version, hostclass.origin(), "packages." + name)));
    host.packages().forEach((name, version) ->
        out.put(name, new Sourced<>(version, host.origin(), "packages." + name)));
    return out;
  }

  private static <V> Map<String, V> values(Map<String, Sourced<V>> sourced) {
    Map<String, V> out = new LinkedHashMap<>();
    sourced.forEach((key, value) -> out.put(key, value.value()));
    return out;
  }
}
