package dev.roller.repo.impact;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.resolve.SpecResolver;
import dev.roller.repo.spec.Peer;
import dev.roller.repo.spec.Spec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which hosts a change from one commit to another would change, and how (DESIGN §7): hosts of a
 * hostclass whose spec changes the same way (the same package versions, params and peers) form
 * one group. Only
 * the hosts a change can reach are resolved at both commits: those whose own file, hostclass or
 * datacenter changed, and those that have them as peers; every other host's spec is the same at
 * both, since a spec is a function of those files alone.
 */
public record Impact(int total, int changed, int added, int removed, List<Group> groups) {

  /** A value at both commits; null where it is absent. */
  public record Change(Object from, Object to) {}

  /** How a host's peers of one hostclass change: hosts added, removed, and those whose params changed. */
  public record PeerChange(List<String> added, List<String> removed, List<String> changed) {}

  /**
   * How a host's spec changes; hosts of one hostclass with equal changes are one group (hosts of
   * different hostclasses run different packages, so the same change does different things to
   * them). {@code kind}: changed, added or removed; {@code hostclass}: at {@code to} (at {@code
   * from} for a removed host).
   */
  public record Key(String kind, String hostclass, Map<String, Change> packages, Map<String, Change> params,
      Map<String, PeerChange> peers) {}

  /** Hosts whose spec changes the same way, sorted by name; {@code hostclasses} and {@code datacenters} at {@code to} (at {@code from} for removed hosts). */
  public record Group(Key change, List<String> hosts, Set<String> hostclasses, Set<String> datacenters) {
    public String kind() {
      return change.kind();
    }

    /** The host the group's services are predicted for. */
    public String sample() {
      return hosts.get(0);
    }
  }

  public static Impact between(ConfigRepo from, ConfigRepo to) {
    Set<String> candidates = candidates(from, to);
    SpecResolver a = SpecResolver.memoizing(from);
    SpecResolver b = SpecResolver.memoizing(to);
    Map<Key, List<String>> byChange = new LinkedHashMap<>();
    int changed = 0;
    int added = 0;
    int removed = 0;
    for (String host : new TreeSet<>(candidates)) {
      Spec before = a.spec(host).orElse(null);
      Spec after = b.spec(host).orElse(null);
      Key key;
      if (before == null && after == null) {
        continue;
      } else if (before == null) {
        added++;
        key = new Key("added", after.hostclass(), versions(null, after), Map.of(), Map.of());
      } else if (after == null) {
        removed++;
        key = new Key("removed", before.hostclass(), versions(before, null), Map.of(), Map.of());
      } else if (same(before, after)) {
        continue;
      } else {
        changed++;
        key = new Key("changed", after.hostclass(), versions(before, after), params(before.params(), after.params()),
            peers(before, after));
      }
      byChange.computeIfAbsent(key, k -> new ArrayList<>()).add(host);
    }
    List<Group> groups = new ArrayList<>();
    byChange.forEach((key, hosts) -> {
      ConfigRepo where = key.kind().equals("removed") ? from : to;
      Set<String> hostclasses = new TreeSet<>();
      Set<String> datacenters = new TreeSet<>();
      for (String name : hosts) {
        Host h = where.hosts().get(name);
        hostclasses.add(h.hostclass());
        datacenters.add(h.datacenter());
      }
      groups.add(new Group(key, List.copyOf(hosts), hostclasses, datacenters));
    });
    groups.sort(Comparator.comparingInt((Group g) -> -g.hosts().size()).thenComparing(g -> g.hosts().get(0)));
    return new Impact(to.hosts().size(), changed, added, removed, List.copyOf(groups));
  }

  private static boolean same(Spec a, Spec b) {
    return a.hostclass().equals(b.hostclass()) && a.datacenter().equals(b.datacenter()) && a.packages().equals(b.packages())
        && a.params().equals(b.params()) && a.peers().equals(b.peers());
  }

  /**
   * The hosts a change can reach: those whose own file changed (or that came or went), those of a
   * hostclass or datacenter whose file changed, and then every host with one of those as a peer
   * (a peer's merged params, and who the peers are, are part of a spec).
   */
  static Set<String> candidates(ConfigRepo from, ConfigRepo to) {
    Set<String> reached = new HashSet<>();
    // Both host maps are sorted by name: walked side by side, no lookups.
    var a = from.hosts().entrySet().iterator();
    var b = to.hosts().entrySet().iterator();
    Map.Entry<String, Host> x = a.hasNext() ? a.next() : null;
    Map.Entry<String, Host> y = b.hasNext() ? b.next() : null;
    while (x != null || y != null) {
      int order = x == null ? 1 : y == null ? -1 : x.getKey().compareTo(y.getKey());
      if (order < 0) {
        reached.add(x.getKey());
        x = a.hasNext() ? a.next() : null;
      } else if (order > 0) {
        reached.add(y.getKey());
        y = b.hasNext() ? b.next() : null;
      } else {
        Host h = x.getValue();
        Host k = y.getValue();
        if (!h.hostclass().equals(k.hostclass()) || !h.datacenter().equals(k.datacenter()) || !h.params().equals(k.params())
            || !h.packages().equals(k.packages())) {
          reached.add(h.name());
        }
        x = a.hasNext() ? a.next() : null;
        y = b.hasNext() ? b.next() : null;
      }
    }
    for (String name : union(from.hostclasses().keySet(), to.hostclasses().keySet())) {
      Hostclass h = from.hostclasses().get(name);
      Hostclass k = to.hostclasses().get(name);
      if (h == null || k == null || !h.packages().equals(k.packages()) || !h.params().equals(k.params())
          || !h.peers().equals(k.peers())) {
        reached.addAll(from.index().hosts(name));
        reached.addAll(to.index().hosts(name));
      }
    }
    for (String name : union(from.datacenters().keySet(), to.datacenters().keySet())) {
      Datacenter h = from.datacenters().get(name);
      Datacenter k = to.datacenters().get(name);
      if (h == null || k == null || !h.params().equals(k.params())) {
        for (ConfigRepo repo : List.of(from, to)) {
          repo.hosts().values().stream().filter(host -> host.datacenter().equals(name)).forEach(host -> reached.add(host.name()));
        }
      }
    }
    // Who a reached host is a peer of: the hosts in its datacenter whose hostclass lists its hostclass.
    Map<String, Set<String>> dirty = new HashMap<>(); // hostclass -> datacenters where one of its hosts was reached
    for (String name : reached) {
      for (ConfigRepo repo : List.of(from, to)) {
        Host h = repo.hosts().get(name);
        if (h != null) {
          dirty.computeIfAbsent(h.hostclass(), k -> new HashSet<>()).add(h.datacenter());
        }
      }
    }
    Set<String> out = new HashSet<>(reached);
    for (ConfigRepo repo : List.of(from, to)) {
      for (Hostclass hc : repo.hostclasses().values()) {
        for (String peer : hc.peers()) {
          for (String dc : dirty.getOrDefault(peer, Set.of())) {
            out.addAll(repo.index().hosts(hc.name(), dc));
          }
        }
      }
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  private static Map<String, Change> versions(Spec before, Spec after) {
    Map<String, String> a = before == null ? Map.of() : before.versions();
    Map<String, String> b = after == null ? Map.of() : after.versions();
    Map<String, Change> out = new TreeMap<>();
    for (String name : union(a.keySet(), b.keySet())) {
      if (!Objects.equals(a.get(name), b.get(name))) {
        out.put(name, new Change(a.get(name), b.get(name)));
      }
    }
    return out;
  }

  private static Map<String, Change> params(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Change> out = new TreeMap<>();
    for (String key : union(a.keySet(), b.keySet())) {
      if (!Objects.equals(a.get(key), b.get(key))) {
        out.put(key, new Change(a.get(key), b.get(key)));
      }
    }
    return out;
  }

  private static Map<String, PeerChange> peers(Spec before, Spec after) {
    Map<String, PeerChange> out = new TreeMap<>();
    for (String hostclass : union(before.peers().keySet(), after.peers().keySet())) {
      Map<String, Peer> a = byName(before.peers().getOrDefault(hostclass, List.of()));
      Map<String, Peer> b = byName(after.peers().getOrDefault(hostclass, List.of()));
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      List<String> changed = new ArrayList<>();
      for (String name : union(a.keySet(), b.keySet())) {
        if (!a.containsKey(name)) {
          added.add(name);
        } else if (!b.containsKey(name)) {
          removed.add(name);
        } else if (!a.get(name).equals(b.get(name))) {
          changed.add(name);
        }
      }
      if (!added.isEmpty() || !removed.isEmpty() || !changed.isEmpty()) {
        out.put(hostclass, new PeerChange(added, removed, changed));
      }
    }
    return out;
  }

  private static Map<String, Peer> byName(List<Peer> peers) {
    Map<String, Peer> out = new LinkedHashMap<>();
    peers.forEach(p -> out.put(p.name(), p));
    return out;
  }
}
