package dev.roller.repo.index;

import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.User;
import dev.roller.repo.model.VersionOrder;
import dev.roller.repo.resolve.SpecResolver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Who uses what, built once per repo: hostclass to hosts (per datacenter too), package and version
 * to the hostclasses and hosts using it, hostclass to the users with an account there. Immutable;
 * every list is sorted by name.
 */
public final class RepoIndex {
  /** A package version's users. A hostclass uses the version it lists; a host, its effective one. */
  public record Usage(List<String> hostclasses, List<String> hosts) {}

  /** An account on a hostclass's hosts, with or without sudo. */
  public record Account(String login, boolean sudo) {}

  /** A host where a user has an account, with or without sudo. */
  public record HostAccount(String host, boolean sudo) {}

  private final NavigableMap<String, Hostclass> hostclasses;
  private final NavigableMap<String, User> users;
  private final Map<String, List<String>> hostsByHostclass = new HashMap<>();
  private final Map<String, Map<String, List<String>>> hostsByDatacenter = new HashMap<>();
  private final NavigableMap<String, NavigableMap<String, Usage>> packages = new TreeMap<>();
  private final Map<String, List<Account>> accountsByHostclass = new HashMap<>();

  public RepoIndex(
      NavigableMap<String, Hostclass> hostclasses,
      NavigableMap<String, Host> hosts,
      NavigableMap<String, User> users) {
    this.hostclasses = hostclasses;
    this.users = users;
    Map<String, Map<String, List<String>>> usage = new HashMap<>();
    for (Hostclass hostclass : hostclasses.values()) {
      hostsByHostclass.put(hostclass.name(), new ArrayList<>());
      hostclass.packages().forEach((name, version) -> use(usage, name, version, "hostclasses").add(hostclass.name()));
      List<Account> accounts = new ArrayList<>();
      for (User user : users.values()) {
        if (user.existsOn(hostclass.name())) {
          accounts.add(new Account(user.login(), user.sudoOn(hostclass.name())));
        }
      }
      accountsByHostclass.put(hostclass.name(), List.copyOf(accounts));
    }
    for (Host host : hosts.values()) {
      hostsByHostclass.get(host.hostclass()).add(host.name());
      hostsByDatacenter.computeIfAbsent(host.datacenter(), k -> new HashMap<>())
          .computeIfAbsent(host.hostclass(), k -> new ArrayList<>()).add(host.name());
      SpecResolver.packageVersions(hostclasses.get(host.hostclass()), host)
          .forEach((name, version) -> use(usage, name, version, "hosts").add(host.name()));
    }
    usage.forEach((key, lists) -> {
      int at = key.indexOf('\0');
      packages.computeIfAbsent(key.substring(0, at), k -> new TreeMap<>(VersionOrder.INSTANCE))
          .put(key.substring(at + 1), new Usage(
              List.copyOf(lists.getOrDefault("hostclasses", List.of())),
              List.copyOf(lists.getOrDefault("hosts", List.of()))));
    });
    hostsByHostclass.replaceAll((k, v) -> Collections.unmodifiableList(v));
  }

  private static List<String> use(Map<String, Map<String, List<String>>> usage, String name, String version, String kind) {
    return usage.computeIfAbsent(name + '\0' + version, k -> new HashMap<>())
        .computeIfAbsent(kind, k -> new ArrayList<>());
  }

  /** The hosts of {@code hostclass}, sorted; empty for an unknown hostclass. */
  public List<String> hosts(String hostclass) {
    return hostsByHostclass.getOrDefault(hostclass, List.of());
  }

  /** The hosts of {@code hostclass} in {@code datacenter}, sorted. */
  public List<String> hosts(String hostclass, String datacenter) {
    return hostsByDatacenter.getOrDefault(datacenter, Map.of()).getOrDefault(hostclass, List.of());
  }

  /** Every package name used anywhere, with each version's users, versions in {@link VersionOrder}. */
  public NavigableMap<String, NavigableMap<String, Usage>> packages() {
    return Collections.unmodifiableNavigableMap(packages);
  }

  /** The accounts on hosts of {@code hostclass}, sorted by login. */
  public List<Account> accounts(String hostclass) {
    return accountsByHostclass.getOrDefault(hostclass, List.of());
  }

  /** The hosts where {@code login} has an account, sorted by host name. */
  public List<HostAccount> hostsOf(String login) {
    User user = users.get(login);
    if (user == null) {
      return List.of();
    }
    List<HostAccount> out = new ArrayList<>();
    for (String hostclass : hostclasses.keySet()) {
      if (user.existsOn(hostclass)) {
        boolean sudo = user.sudoOn(hostclass);
        for (String host : hosts(hostclass)) {
          out.add(new HostAccount(host, sudo));
        }
      }
    }
    out.sort(java.util.Comparator.comparing(HostAccount::host));
    return out;
  }
}
