package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.model.PackageRef;
import dev.roller.repo.resolve.Explanation;
import dev.roller.repo.spec.Peer;
import dev.roller.repo.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per precedence rule of spec resolution. */
class ResolutionTest {
  @TempDir Path dir;

  private static final String HOST = "web1.dc1.example.com";

  private static List<PackageRef> refs(Spec spec) {
    return spec.packages().stream().map(Spec.Package::ref).toList();
  }

  private Spec spec(TestRepo repo) throws Exception {
    return repo.commitAndLoad().spec(HOST).orElseThrow();
  }

  @Test
  void datacenterParamsApplyWhenNothingOverridesThem() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      assertEquals("ntp.dc1", spec(repo).params().get("ntp_server"));
    }
  }

  @Test
  void hostclassParamOverridesDatacenterParam() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hostclasses/web.yml", "packages: {hello-web: 1.0.0}\nparams:\n  ntp_server: ntp.web\n");
      assertEquals("ntp.web", spec(repo).params().get("ntp_server"));
    }
  }

  @Test
  void hostParamOverridesHostclassAndDatacenter() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hostclasses/web.yml", "params:\n  ntp_server: ntp.web\n  listen_port: 8080\n");
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  ntp_server: ntp.host\n");
      Map<String, Object> params = spec(repo).params();
      assertEquals("ntp.host", params.get("ntp_server"));
      assertEquals(8080, params.get("listen_port"));
    }
  }

  @Test
  void paramsMergeByTopLevelKeyOnlyNotDeeply() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("datacenters/dc1.yml", "params:\n  limits: {cpu: 2, mem: 4}\n");
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  limits: {cpu: 8}\n");
      assertEquals(Map.of("cpu", 8), spec(repo).params().get("limits"));
    }
  }

  @Test
  void mergedParamsKeepTheOrderKeysFirstAppearedIn() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  workers: 16\n  ntp_server: x\n");
      assertEquals(List.of("ntp_server", "listen_port", "workers"), List.copyOf(spec(repo).params().keySet()));
    }
  }

  @Test
  void hostPinReplacesTheHostclassVersionInPlace() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages:\n  hello-web: 1.1.0\n");
      assertEquals(List.of(new PackageRef("hello-web", "1.1.0"), new PackageRef("foreman", "1.0.0")), refs(spec(repo)));
    }
  }

  @Test
  void hostMayAddPackagesWhichComeLast() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages:\n  debug-tools: 2.0\n");
      assertEquals(List.of(new PackageRef("hello-web", "1.0.0"), new PackageRef("foreman", "1.0.0"),
          new PackageRef("debug-tools", "2.0")), refs(spec(repo)));
    }
  }

  @Test
  void versionIsTakenAsWritten() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hostclasses/web.yml", "packages:\n  hello-web: 1.10\n  foreman: 2\n");
      assertEquals(List.of(new PackageRef("hello-web", "1.10"), new PackageRef("foreman", "2")), refs(spec(repo)));
    }
  }

  @Test
  void peersAreHostsOfThePeerHostclassInTheSameDatacenterWithTheirMergedParams() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("datacenters/dc2.yml", "params: {ntp_server: ntp.dc2}\n");
      repo.write("hostclasses/lb.yml", "peers: [web]\n");
      repo.write("hosts/lb1.dc1.example.com.yml", "hostclass: lb\ndatacenter: dc1\n");
      repo.write("hosts/web0.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams: {weight: 2}\n");
      repo.write("hosts/web9.dc2.example.com.yml", "hostclass: web\ndatacenter: dc2\n");
      Spec spec = repo.commitAndLoad().spec("lb1.dc1.example.com").orElseThrow();
      List<Peer> web = spec.peers().get("web");
      assertEquals(List.of("web0.dc1.example.com", "web1.dc1.example.com"), web.stream().map(Peer::name).toList());
      assertEquals(Map.of("ntp_server", "ntp.dc1", "listen_port", 8080, "weight", 2), web.get(0).params());
    }
  }

  @Test
  void explainNamesTheFileAndLineOfEveryValue() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  workers: 16\npackages:\n  hello-web: 1.1.0\n");
      Explanation explain = repo.commitAndLoad().explain(HOST).orElseThrow();
      assertEquals("datacenters/dc1.yml:3", explain.params().get("ntp_server"));
      assertEquals("hostclasses/web.yml:6", explain.params().get("listen_port"));
      assertEquals("hosts/web1.dc1.example.com.yml:4", explain.params().get("workers"));
      assertEquals("hosts/web1.dc1.example.com.yml:6", explain.packages().get("hello-web"));
      assertEquals("hostclasses/web.yml:4", explain.packages().get("foreman"));
    }
  }

  @Test
  void explainNamesEveryLevelThatSetAParamAndMarksTheOneThatWon() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.write("datacenters/dc1.yml", "params:\n  listen_port: 80\n");
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  listen_port: 9090\n");
      Explanation explain = repo.commitAndLoad().explain(HOST).orElseThrow();
      assertEquals(List.of(new Explanation.Level("datacenter", "datacenters/dc1.yml:2", 80, false),
          new Explanation.Level("hostclass", "hostclasses/web.yml:6", 8080, false),
          new Explanation.Level("host", "hosts/web1.dc1.example.com.yml:4", 9090, true)), explain.levels().get("listen_port"));
      assertEquals("hosts/web1.dc1.example.com.yml:4", explain.params().get("listen_port"));
    }
  }

  @Test
  void specCarriesTheCommitAndAFolderHasNone() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      String sha = repo.commit("first");
      assertEquals(sha, ConfigRepo.loadGit(dir, "main").spec(HOST).orElseThrow().commit());
      assertNull(ConfigRepo.loadFolder(dir).spec(HOST).orElseThrow().commit());
      assertTrue(ConfigRepo.loadFolder(dir).spec("nope.example.com").isEmpty());
    }
  }
}
