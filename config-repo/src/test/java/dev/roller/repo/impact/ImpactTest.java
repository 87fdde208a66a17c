package dev.roller.repo.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.TestRepo;
import dev.roller.repo.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Impact on a 1,000-host repo: groups as an operator reads them, and exactly the hosts whose spec changes. */
class ImpactTest {
  static final List<String> HOSTCLASSES = List.of("web", "api", "worker", "cache", "lb");

  @TempDir Path dir;

  private TestRepo fleet() throws Exception {
    TestRepo repo = TestRepo.init(dir.resolve("repo"));
    for (String dc : List.of("dc1", "dc2")) {
      repo.write("datacenters/" + dc + ".yml", "params:\n  ntp: ntp." + dc + "\n  region: " + dc + "\n");
    }
    for (String hc : HOSTCLASSES) {
      repo.write("hostclasses/" + hc + ".yml", "packages:\n  " + hc + "-app: 1.0.0\nparams:\n  role: " + hc + "\n"
          + (hc.equals("lb") ? "peers: [web]\n" : ""));
    }
    for (int i = 0; i < 1000; i++) {
      String hc = HOSTCLASSES.get(i % 5);
      String dc = i % 2 == 0 ? "dc1" : "dc2";
      repo.write("hosts/" + hc + i + "." + dc + ".example.com.yml", "hostclass: " + hc + "\ndatacenter: " + dc + "\n"
          + (i % 7 == 0 ? "params:\n  weight: " + i + "\n" : ""));
    }
    repo.commit("fleet");
    return repo;
  }

  /** Every host whose spec differs between the two, resolving them all: what the candidates must match. */
  private static Set<String> bruteForce(ConfigRepo a, ConfigRepo b) {
    Set<String> all = new TreeSet<>(a.hosts().keySet());
    all.addAll(b.hosts().keySet());
    Set<String> out = new TreeSet<>();
    for (String host : all) {
      Spec x = a.spec(host).map(s -> s.withCommit(null)).orElse(null);
      Spec y = b.spec(host).map(s -> s.withCommit(null)).orElse(null);
      if (x == null || !x.equals(y)) {
        out.add(host);
      }
    }
    return out;
  }

  private static Set<String> reached(Impact impact) {
    Set<String> out = new TreeSet<>();
    impact.groups().forEach(g -> out.addAll(g.hosts()));
    return out;
  }

  @Test
  void aDatacenterParamGivesOneGroupPerHostclassInIt() throws Exception {
    try (TestRepo repo = fleet()) {
      ConfigRepo before = ConfigRepo.loadGit(repo.dir(), "main");
      repo.write("datacenters/dc1.yml", "params:\n  ntp: ntp2.dc1\n  region: dc1\n");
      repo.commit("new ntp in dc1");
      ConfigRepo after = ConfigRepo.loadGit(repo.dir(), "main");

      Impact impact = Impact.between(before, after);

      assertEquals(500, impact.changed());
      assertEquals(bruteForce(before, after), reached(impact));
      Map<String, Integer> sizes = new TreeMap<>();
      for (Impact.Group g : impact.groups()) {
        assertEquals(Map.of("ntp", new Impact.Change("ntp.dc1", "ntp2.dc1")), g.change().params());
        assertEquals(Set.of("dc1"), g.datacenters());
        sizes.merge(String.join(",", g.hostclasses()), g.hosts().size(), Integer::sum);
      }
      assertEquals(Map.of("api", 100, "cache", 100, "lb", 100, "web", 100, "worker", 100), sizes);
      assertEquals(5, impact.groups().size(), "one group per hostclass: " + impact.groups().stream().map(g -> g.hostclasses()
          + " " + g.hosts().size() + " " + g.change().peers().keySet()).toList());
    }
  }

  @Test
  void theHostsReachedAreExactlyThoseWhoseSpecChanges() throws Exception {
    try (TestRepo repo = fleet()) {
      ConfigRepo before = ConfigRepo.loadGit(repo.dir(), "main");
      repo.write("hosts/web0.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  weight: 3\n");
      repo.delete("hosts/api1.dc2.example.com.yml");
      repo.write("hosts/web1000.dc2.example.com.yml", "hostclass: web\ndatacenter: dc2\n");
      repo.write("hostclasses/cache.yml", "packages:\n  cache-app: 1.1.0\nparams:\n  role: cache\n");
      repo.commit("a few things");
      ConfigRepo after = ConfigRepo.loadGit(repo.dir(), "main");

      Impact impact = Impact.between(before, after);

      assertEquals(bruteForce(before, after), reached(impact));
      assertEquals(1, impact.added());
      assertEquals(1, impact.removed());
      // cache's 200 hosts; web0, whose weight changes the spec of dc1's 100 lb hosts (a peer's params); and dc2's
      // 100 lb hosts, which web1000 joins as a peer.
      assertEquals(200 + 1 + 100 + 100, impact.changed());
    }
  }
}
