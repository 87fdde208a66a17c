package dev.roller.server.http;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.index.RepoIndex;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.User;
import dev.roller.repo.parse.RepoLayout;
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

  /** {@code /hosts?hostclass=web&datacenter=us-west-1}. */
  Reply hosts(Request r) {
    String hostclass = r.queryName("hostclass", NameRule.HOSTCLASS);
    String datacenter = r.queryName("datacenter", NameRule.DATACENTER);
    Snapshot s = r.snapshot();
    ConfigRepo repo = s.repo();
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
    return Reply.document(s.commit(), names);
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
    return Reply.document(s.commit(), Request.map("host", name, "commit", s.commit(), "users", accounts));
  }
}
