package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.repo.index.RepoIndex;
import dev.roller.repo.index.RepoIndex.Account;
import dev.roller.repo.index.RepoIndex.HostAccount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
  @TempDir Path dir;

  private RepoIndex index() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hostclasses/db.yml", "packages: {pg: 15.4, foreman: 1.0.0}\n");
      repo.write("hosts/db1.dc1.example.com.yml", "hostclass: db\ndatacenter: dc1\n");
      repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 1.10.0}\n");
      repo.write("hosts/web3.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 1.9.0}\n");
      repo.write("users/root_ops.yml", "uid: 2100\nhostclasses: ['*']\nsudo: ['*']\n");
      repo.write("users/bob.yml", "uid: 2002\nhostclasses: [web, db]\nsudo: [db]\n");
      return repo.commitAndLoad().index();
    }
  }

  @Test
  void hostsByHostclassAndDatacenter() throws Exception {
    RepoIndex index = index();
    assertEquals(List.of("web1.dc1.example.com", "web2.dc1.example.com", "web3.dc1.example.com"), index.hosts("web"));
    assertEquals(List.of("db1.dc1.example.com"), index.hosts("db", "dc1"));
    assertEquals(List.of(), index.hosts("db", "dc9"));
  }

  @Test
  void packageVersionsWithTheirHostclassesAndHosts() throws Exception {
    RepoIndex index = index();
    assertEquals(List.of("1.0.0", "1.9.0", "1.10.0"), List.copyOf(index.packages().get("hello-web").keySet()));
    RepoIndex.Usage pinned = index.packages().get("hello-web").get("1.10.0");
    assertEquals(List.of(), pinned.hostclasses());
    assertEquals(List.of("web2.dc1.example.com"), pinned.hosts());
    RepoIndex.Usage foreman = index.packages().get("foreman").get("1.0.0");
    assertEquals(List.of("db", "web"), foreman.hostclasses());
    assertEquals(4, foreman.hosts().size());
  }

  @Test
  void usersByHostclassAndHostsByUserWithSudo() throws Exception {
    RepoIndex index = index();
    assertEquals(List.of(new Account("alice", false), new Account("bob", false), new Account("root_ops", true)),
        index.accounts("web"));
    assertEquals(List.of(new Account("bob", true), new Account("root_ops", true)), index.accounts("db"));
    List<HostAccount> bob = index.hostsOf("bob");
    assertEquals(new HostAccount("db1.dc1.example.com", true), bob.get(0));
    assertEquals(new HostAccount("web1.dc1.example.com", false), bob.get(1));
    assertEquals(4, bob.size());
  }
}
