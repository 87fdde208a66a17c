package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The fleet questions a newcomer asks: where an account is, who runs a package; and query strings that never ignore a typo. */
class QueriesTest {
  @TempDir Path dir;
  TestRepo repo;
  ServerFixture server;

  @BeforeEach
  void start() throws Exception {
    repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/db.yml", "packages:\n  postgres: 15.4\n");
    repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages:\n  hello-web: 1.1.0\n");
    repo.write("hosts/db1.dc1.example.com.yml", "hostclass: db\ndatacenter: dc1\n");
    repo.write("users/alice.yml", "uid: 2001\nhostclasses: [web, db]\nsudo: [db]\n");
    repo.commit("fleet");
    server = ServerFixture.start(repo, dir.resolve("server"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Object get(String path) throws Exception {
    HttpResponse<String> r = server.get(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return new Yaml().load(r.body());
  }

  @Test
  void whereAnAccountExistsAndWhereItHasSudo() throws Exception {
    assertEquals(List.of(Map.of("host", "db1.dc1.example.com", "sudo", true), Map.of("host", "web1.dc1.example.com", "sudo", false),
        Map.of("host", "web2.dc1.example.com", "sudo", false)), get("/users/alice/hosts"));
    assertEquals(404, server.get("/users/nobody/hosts").statusCode());
  }

  @Test
  void hostsWhoseSpecHasAPackageAtAVersion() throws Exception {
    assertEquals(List.of("web1.dc1.example.com", "web2.dc1.example.com"), get("/hosts?package=hello-web"));
    assertEquals(List.of("web1.dc1.example.com"), get("/hosts?package=hello-web@1.0.0"), "web2 pins 1.1.0");
    assertEquals(List.of("web2.dc1.example.com"), get("/hosts?package=hello-web@1.1.0&datacenter=dc1"));
    assertEquals(List.of(), get("/hosts?package=nothing-uses-this"));
    assertEquals(400, server.get("/hosts?package=hello-web@").statusCode());
  }

  @Test
  void anUnknownQueryKeyIsA400NamingTheKnownOnesAndAnUnknownFilterA404() throws Exception {
    HttpResponse<String> typo = server.get("/hosts?hostclas=web");
    assertEquals(400, typo.statusCode());
    assertTrue(ServerFixture.error(typo).contains("unknown query key \"hostclas\": this request takes datacenter, format, "
        + "hostclass, package, rev"), typo.body());
    assertEquals(400, server.get("/hosts/web1.dc1.example.com/spec?explian=1").statusCode());
    assertEquals(400, server.get("/users?limit=3").statusCode());
    HttpResponse<String> unknown = server.get("/hosts?hostclass=nope");
    assertEquals(404, unknown.statusCode());
    assertTrue(ServerFixture.error(unknown).contains("no hostclass \"nope\""), unknown.body());
    assertEquals(404, server.get("/hosts?datacenter=dc9").statusCode());
  }

  @Test
  void aHostWhoseSpecDidNotChangeHasAnEmptyDiffAndSaysSo() throws Exception {
    String first = server.repo.commit("nothing");
    repo.write("hosts/db1.dc1.example.com.yml", "hostclass: db\ndatacenter: dc1\nparams:\n  x: 1\n");
    String second = repo.commit("db1 only");
    @SuppressWarnings("unchecked")
    Map<String, Object> web = (Map<String, Object>) get("/hosts/web1.dc1.example.com/spec/diff?from=" + first + "&to=" + second
        + "&format=json");
    assertEquals(true, web.get("unchanged"));
    assertEquals("", web.get("diff"));
    @SuppressWarnings("unchecked")
    Map<String, Object> db = (Map<String, Object>) get("/hosts/db1.dc1.example.com/spec/diff?from=" + first + "&to=" + second
        + "&format=json");
    assertEquals(false, db.get("unchanged"));
    assertTrue(db.get("diff").toString().contains("+  x: 1"), db.toString());
  }
}
