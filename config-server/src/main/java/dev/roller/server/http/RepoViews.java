package dev.roller.server.http;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.index.RepoIndex;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.User;
import dev.roller.repo.parse.RepoLayout;
import dev.roller.repo.resolve.SpecResolver;
import dev.roller.server.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Views of the repo itself: lists, files as committed, hosts of a hostclass, a host's users. */
final class RepoViews {
  Reply datacenters(Request r) {
    Snapshot s = r.snapshot();
    return Reply.document(s.commit(), List.copyOf(s.repo().datacenters().keySet()));
  }

  Reply hostclasses(Request r) {
    Snapshot s = r.snapshot();
    return Reply.document(s.commit(), List.copyOf(s.repo().hostclasses().keySet()));
  }

  Reply users(Request r) {
    Snapshot s = r.snapshot();
    return Reply.document(s.commit(), List.copyOf(s.repo().users().keySet()));
  }

  /**
   * {@code /hosts?hostclass=web&datacenter=us-west-1&package=NAME[@VERSION]}: hosts, filtered; an
   * unknown hostclass or datacenter is a 404 (a typo is never an empty list).
   */
  Reply hosts(Request r) {
    String hostclass = r.queryName("hostclass", NameRule.HOSTCLASS);
    String datacenter = r.queryName("datacenter", NameRule.DATACENTER);
    String pkg = r.query("package");
    Snapshot s = r.snapshot();
    ConfigRepo repo = s.repo();
    if (hostclass != null && !repo.hostclasses().containsKey(hostclass)) {
      throw ApiException.notFound("no hostclass " + NameRule.quote(hostclass) + " (no hostclasses/" + hostclass + ".yml at "
          + s.commit() + ")");
    }
    if (datacenter != null && !repo.datacenters().containsKey(datacenter)) {
      throw ApiException.notFound("no datacenter " + NameRule.quote(datacenter) + " (no datacenters/" + datacenter
          + ".yml at " + s.commit() + ")");
    }
    String name = null;
    String version = null;
    if (pkg != null) {
      int at = pkg.indexOf('@');
      name = at < 0 ? pkg : pkg.substring(0, at);
      version = at < 0 ? null : pkg.substring(at + 1);
      if (NameRule.PACKAGE.problem(name) != null || (version != null && NameRule.VERSION.problem(version) != null)) {
        throw ApiException.badRequest("package must be NAME or NAME@VERSION, not " + NameRule.quote(pkg));
      }
    }
    List<String> names;
    if (hostclass != null && datacenter != null) {
      names = repo.index().hosts(hostclass, datacenter);
    } else if (hostclass != null) {
      names = repo.index().hosts(hostclass);
    } else {
      names = new ArrayList<>();
      for (Host host : repo.hosts().values()) {
        if (datacenter == null || host.datacenter().equals(datacenter)) {
          names.add(host.name());
        }
      }
    }
    if (name != null) {
      List<String> having = new ArrayList<>();
      for (String host : names) {
        Host h = repo.hosts().get(host);
        String v = SpecResolver.packageVersions(repo.hostclasses().get(h.hostclass()), h).get(name);
        if (v != null && (version == null || v.equals(version))) {
          having.add(host);
        }
      }
      names = having;
    }
    return Reply.document(s.commit(), names);
  }

  /** {@code /users/{login}/hosts}: the hosts where the account exists, each with whether it has sudo there. */
  Reply userHosts(Request r) {
    String login = r.name("login", NameRule.LOGIN);
    Snapshot s = r.snapshot();
    if (!s.repo().users().containsKey(login)) {
      throw ApiException.notFound("no user " + NameRule.quote(login) + " (no users/" + login + ".yml at " + s.commit() + ")");
    }
    List<Object> hosts = new ArrayList<>();
    for (RepoIndex.HostAccount a : s.repo().index().hostsOf(login)) {
      hosts.add(Request.map("host", a.host(), "sudo", a.sudo()));
    }
    return Reply.document(s.commit(), hosts);
  }

  Reply datacenter(Request r) {
    return file(r, RepoLayout.Kind.DATACENTER, r.name("dc", NameRule.DATACENTER));
  }

  Reply hostclass(Request r) {
    return file(r, RepoLayout.Kind.HOSTCLASS, r.name("hc", NameRule.HOSTCLASS));
  }

  Reply host(Request r) {
    return file(r, RepoLayout.Kind.HOST, r.name("fqdn", NameRule.HOST));
  }

  Reply user(Request r) {
    return file(r, RepoLayout.Kind.USER, r.name("login", NameRule.LOGIN));
  }

  /** The file as committed (as JSON on request). */
  private Reply file(Request r, RepoLayout.Kind kind, String name) {
    Snapshot s = r.snapshot();
    byte[] bytes = s.file(kind.path(name));
    if (bytes == null) {
      throw ApiException.notFound("no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + NameRule.quote(name)
          + " (no " + kind.path(name) + " at " + s.commit() + ")");
    }
    if (r.format() == Render.Format.JSON) {
      try {
        return Reply.document(s.commit(), Render.parseYaml(bytes, dev.roller.repo.parse.YamlDocument.LIMITS));
      } catch (dev.roller.repo.parse.SafeYaml.Refused e) {
        throw new IllegalStateException("a served file does not parse: " + e.getMessage(), e); // validated when loaded
      }
    }
    return Reply.file(s.commit(), bytes);
  }

  Reply hostclassHosts(Request r) {
    String hostclass = r.name("hc", NameRule.HOSTCLASS);
    Snapshot s = r.snapshot();
    if (!s.repo().hostclasses().containsKey(hostclass)) {
      throw ApiException.notFound("no hostclass " + NameRule.quote(hostclass));
    }
    return Reply.document(s.commit(), s.repo().index().hosts(hostclass));
  }

  /** The accounts foreman keeps on a host, each with its sudo right on that host. */
  Reply hostUsers(Request r) {
    String name = r.name("fqdn", NameRule.HOST);
    Snapshot s = r.snapshot();
    Host host = s.repo().hosts().get(name);
    if (host == null) {
      throw ApiException.notFound("no host " + NameRule.quote(name));
    }
    List<Map<String, Object>> accounts = new ArrayList<>();
    for (RepoIndex.Account account : s.repo().index().accounts(host.hostclass())) {
      User u = s.repo().users().get(account.login());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("login", u.login());
      m.put("uid", u.uid());
      m.put("comment", u.comment());
      m.put("shell", u.shell());
      m.put("groups", u.groups());
      m.put("ssh_keys", u.sshKeys());
      m.put("sudo", account.sudo());
      m.put("files", new LinkedHashMap<>(u.files()));
      accounts.add(m);
    }
    return Reply.document(s.commit(), SpecViews.issued(Request.map("host", name, "commit", s.commit(), "users", accounts)))
        .signed();
  }
}
