package dev.roller.repo.parse;

import dev.roller.repo.Problem;
import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.Origin;
import dev.roller.repo.model.User;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks the references between files: a host's hostclass and datacenter, a hostclass's peers, a
 * user's hostclasses and sudo, and that no two users share a uid. A reference to an object whose
 * file exists but has problems of its own is not reported again.
 */
public final class CrossChecks {
  private final Map<String, Datacenter> datacenters;
  private final Map<String, Hostclass> hostclasses;
  private final Set<String> brokenDatacenters;
  private final Set<String> brokenHostclasses;
  private final Consumer<Problem> out;

  public CrossChecks(
      Map<String, Datacenter> datacenters,
      Map<String, Hostclass> hostclasses,
      Set<String> brokenDatacenters,
      Set<String> brokenHostclasses,
      Consumer<Problem> out) {
    this.datacenters = datacenters;
    this.hostclasses = hostclasses;
    this.brokenDatacenters = brokenDatacenters;
    this.brokenHostclasses = brokenHostclasses;
    this.out = out;
  }

  public void check(Iterable<Hostclass> allHostclasses, Iterable<Host> hosts, Iterable<User> users) {
    for (Hostclass hostclass : allHostclasses) {
      List<String> peers = hostclass.peers();
      for (int i = 0; i < peers.size(); i++) {
        hostclassExists(peers.get(i), hostclass.origin(), "peers." + i, "peers name");
      }
    }
    for (Host host : hosts) {
      hostclassExists(host.hostclass(), host.origin(), "hostclass", "hostclass is");
      if (!datacenters.containsKey(host.datacenter()) && !brokenDatacenters.contains(host.datacenter())) {
        report(host.origin(), "datacenter", "unknown datacenter " + NameRule.quote(host.datacenter())
            + ": there is no " + RepoLayout.Kind.DATACENTER.path(host.datacenter()));
      }
    }
    Map<Integer, User> byUid = new HashMap<>();
    for (User user : users) {
      checkUser(user);
      User other = byUid.putIfAbsent(user.uid(), user);
      if (other != null) {
        report(user.origin(), "uid", "duplicate uid " + user.uid() + ": " + other.origin().path()
            + " has it too");
      }
    }
  }

  private void checkUser(User user) {
    List<String> where = user.hostclasses();
    for (int i = 0; i < where.size(); i++) {
      if (!where.get(i).equals(User.EVERY_HOSTCLASS)) {
        hostclassExists(where.get(i), user.origin(), "hostclasses." + i, "hostclasses name");
      }
    }
    List<String> sudo = user.sudo();
    for (int i = 0; i < sudo.size(); i++) {
      String hostclass = sudo.get(i);
      if (hostclass.equals(User.EVERY_HOSTCLASS)) {
        continue;
      }
      if (hostclassExists(hostclass, user.origin(), "sudo." + i, "sudo names") && !user.existsOn(hostclass)) {
        report(user.origin(), "sudo." + i, "sudo on " + NameRule.quote(hostclass)
            + ", but the account does not exist there: add it to 'hostclasses'");
      }
    }
  }

  private boolean hostclassExists(String name, Origin origin, String key, String what) {
    if (hostclasses.containsKey(name) || brokenHostclasses.contains(name)) {
      return true;
    }
    report(origin, key, what + " unknown hostclass " + NameRule.quote(name) + ": there is no "
        + RepoLayout.Kind.HOSTCLASS.path(name));
    return false;
  }

  private void report(Origin origin, String key, String message) {
    out.accept(new Problem(origin.path(), origin.line(key), message));
  }
}
