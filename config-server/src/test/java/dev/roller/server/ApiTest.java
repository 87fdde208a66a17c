package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.repo.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read API over a real git repo, through real HTTP. */
class ApiTest {
  @TempDir Path dir;
  ServerFixture server;
  String first;

  @BeforeEach
  void start() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hostclasses/lb.yml", "packages: {hello-lb: 1.0.0}\npeers: [web]\n");
    repo.write("hosts/lb1.dc1.example.com.yml", "hostclass: lb\ndatacenter: dc1\n");
    repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams: {workers: 16}\n");
    repo.write("users/bob.yml", "uid: 2002\nhostclasses: ['*']\nsudo: [web]\nssh_keys:\n"
        + "  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxzl5+CMvPkhiW/T1sjPQczvd3mCiI1MU+dTBpxMJfd bob\n");
    first = repo.commit("first");
    repo.tag("v1");
    server = ServerFixture.start(repo, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void healthNamesTheCommitServed() throws Exception {
    HttpResponse<String> r = server.get("/health");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("status: ok"), r.body());
    assertTrue(r.body().contains("commit: " + first), r.body());
    assertEquals(first, r.headers().firstValue("X-Roller-Commit").orElseThrow());
  }

  @Test
  void listsAreYamlByDefaultAndJsonOnRequest() throws Exception {
    HttpResponse<String> yaml = server.get("/hosts");
    assertEquals("application/yaml", yaml.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("- lb1.dc1.example.com\n- web1.dc1.example.com\n- web2.dc1.example.com\n", yaml.body());
    assertEquals("[\"web1.dc1.example.com\",\"web2.dc1.example.com\"]", server.get("/hosts?hostclass=web&format=json").body());
    assertEquals("[\"lb1.dc1.example.com\"]", server.get("/hosts?datacenter=dc1&hostclass=lb", "Accept", "application/json").body());
    assertEquals("- dc1\n", server.get("/datacenters").body());
    assertEquals("- lb\n- web\n", server.get("/hostclasses").body());
    assertEquals("- alice\n- bob\n", server.get("/users").body());
    assertEquals("- web1.dc1.example.com\n- web2.dc1.example.com\n", server.get("/hostclasses/web/hosts").body());
  }

  @Test
  void objectsAreTheFilesAsCommitted() throws Exception {
    assertEquals(Files.readString(server.repo.dir().resolve("hosts/web2.dc1.example.com.yml")),
        server.get("/hosts/web2.dc1.example.com").body());
    JsonNode json = new ObjectMapper().readTree(server.get("/users/bob?format=json").body());
    assertEquals(2002, json.get("uid").asInt());
    assertEquals(404, server.get("/hostclasses/nope").statusCode());
    assertEquals("no hostclass \"nope\" (no hostclasses/nope.yml at " + first + ")",
        ServerFixture.error(server.get("/hostclasses/nope")));
  }

  @Test
  void etagsAnswerNotModified() throws Exception {
    HttpResponse<String> r = server.get("/hostclasses/web");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = server.get("/hostclasses/web", "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertEquals("", again.body());
    assertEquals(200, server.get("/hostclasses/lb", "If-None-Match", etag).statusCode());
  }

  @Test
  void specNeedsItsPackagesPublishedThenCarriesTheirSha256AndSize() throws Exception {
    HttpResponse<String> missing = server.get("/hosts/web1.dc1.example.com/spec");
    assertEquals(422, missing.statusCode());
    assertTrue(missing.body().contains("not published: hello-web-1.0.0, foreman-1.0.0"), missing.body());
    BuiltPackage web = server.build("hello-web", "1.0.0", "web");
    BuiltPackage foreman = server.build("foreman", "1.0.0", "foreman");
    assertEquals(201, server.publish(web, ServerFixture.TOKEN).statusCode());
    assertEquals(201, server.publish(foreman, ServerFixture.TOKEN).statusCode());
    HttpResponse<String> spec = server.get("/hosts/web2.dc1.example.com/spec?format=json");
    assertEquals(200, spec.statusCode(), spec.body());
    JsonNode json = new ObjectMapper().readTree(spec.body());
    assertEquals("web2.dc1.example.com", json.get("host").asText());
    assertEquals(first, json.get("commit").asText());
    assertEquals(web.sha256().hex(), json.get("packages").get(0).get("sha256").asText());
    assertEquals(web.size(), json.get("packages").get(0).get("size").asLong());
    assertEquals(16, json.get("params").get("workers").asInt());
    HttpResponse<String> explained = server.get("/hosts/web2.dc1.example.com/spec?explain=1");
    assertTrue(explained.body().contains("workers: hosts/web2.dc1.example.com.yml:3"), explained.body());
  }

  @Test
  void aSpecsEtagIsItsDigestSoACommitThatLeavesItAloneAnswersNotModified() throws Exception {
    server.publish(server.build("hello-web", "1.0.0", "web"), ServerFixture.TOKEN);
    server.publish(server.build("foreman", "1.0.0", "foreman"), ServerFixture.TOKEN);
    HttpResponse<String> spec = server.get("/hosts/web2.dc1.example.com/spec");
    String etag = spec.headers().firstValue("ETag").orElseThrow();
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> doc = (java.util.Map<String, Object>) new org.yaml.snakeyaml.Yaml().load(spec.body());
    assertEquals("W/\"" + dev.roller.repo.spec.SpecCodec.fromMap(doc, dev.roller.repo.spec.SpecCodec.Identity.REQUIRED).digest() + "\"", etag, "the digest of what roll reads");

    server.repo.write("hosts/lb1.dc1.example.com.yml", "hostclass: lb\ndatacenter: dc1\nparams: {x: 1}\n");
    String second = server.repo.commit("another host changes");
    server.app.snapshots().refresh();
    HttpResponse<String> same = server.get("/hosts/web2.dc1.example.com/spec", "If-None-Match", etag);
    assertEquals(304, same.statusCode());
    assertEquals(second, same.headers().firstValue("X-Roller-Commit").orElseThrow(), "a 304 still names the commit");

    server.repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams: {workers: 17}\n");
    server.repo.commit("this host changes");
    server.app.snapshots().refresh();
    HttpResponse<String> changed = server.get("/hosts/web2.dc1.example.com/spec", "If-None-Match", etag);
    assertEquals(200, changed.statusCode());
    assertTrue(changed.body().contains("workers: 17"), changed.body());
  }

  @Test
  void specOfAnLbCarriesItsPeers() throws Exception {
    server.publish(server.build("hello-lb", "1.0.0", "lb"), ServerFixture.TOKEN);
    JsonNode json = new ObjectMapper().readTree(server.get("/hosts/lb1.dc1.example.com/spec?format=json").body());
    assertEquals("web2.dc1.example.com", json.get("peers").get("web").get(1).get("name").asText());
    assertEquals(16, json.get("peers").get("web").get(1).get("params").get("workers").asInt());
  }

  @Test
  void hostUsersAreTheAccountsForemanKeeps() throws Exception {
    String body = server.get("/hosts/lb1.dc1.example.com/users").body();
    assertTrue(body.contains("- login: bob"), body);
    assertTrue(body.contains("sudo: false"), body);
    assertFalse(body.contains("alice"), body);
    assertTrue(server.get("/hosts/web1.dc1.example.com/users").body().contains("sudo: true"));
  }

  @Test
  void revAnswersAtAnyCommitBranchOrTag() throws Exception {
    server.repo.write("hosts/web3.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    String second = server.repo.commit("second");
    server.app.snapshots().refresh();
    assertEquals(3, server.get("/hostclasses/web/hosts?format=json").body().split(",").length);
    HttpResponse<String> old = server.get("/hostclasses/web/hosts?rev=v1&format=json");
    assertEquals(2, old.body().split(",").length);
    assertEquals(first, old.headers().firstValue("X-Roller-Commit").orElseThrow());
    assertEquals(second, server.get("/hosts?rev=" + second.substring(0, 12)).headers().firstValue("X-Roller-Commit").orElseThrow());
    assertEquals(404, server.get("/hosts?rev=no-such-branch").statusCode());
    assertEquals(400, server.get("/hosts?rev=a%20b").statusCode());
  }

  @Test
  void aBadCommitIsNeverServedAndHealthSaysWhyUntilItIsFixed() throws Exception {
    server.repo.write("hosts/web1.dc1.example.com.yml", "hostclass: nope\ndatacenter: dc1\n");
    String bad = server.repo.commit("bad");
    assertEquals(first, server.app.snapshots().refresh());
    HttpResponse<String> health = server.get("/health");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("status: degraded"), health.body());
    assertTrue(health.body().contains("commit: " + bad), health.body());
    assertTrue(health.body().contains("hosts/web1.dc1.example.com.yml:1: hostclass is unknown hostclass"), health.body());
    assertEquals(first, server.get("/hosts").headers().firstValue("X-Roller-Commit").orElseThrow());
    assertEquals(422, server.get("/hosts?rev=" + bad).statusCode());

    server.repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    server.repo.write("hosts/web4.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    String fixed = server.repo.commit("fix");
    HttpResponse<String> hook = server.send("POST", "/hooks/refresh", java.net.http.HttpRequest.BodyPublishers.noBody());
    assertEquals("commit: " + fixed + "\n", hook.body());
    assertTrue(server.get("/health").body().contains("status: ok"));
    assertTrue(server.get("/hosts").body().contains("web4.dc1.example.com"));
  }

  @Test
  void badNamesAreRefusedAndNothingOutsideTheRepoIsReadable() throws Exception {
    for (String path : new String[] {"/hosts/..%2F..%2Fetc%2Fpasswd", "/hosts/WEB1", "/users/..", "/datacenters/a%00b",
        "/hosts/" + "a".repeat(300) + "/spec", "/packages/..%2Fx/1.0"}) {
      HttpResponse<String> r = server.get(path);
      assertTrue(r.statusCode() == 400 || r.statusCode() == 404, path + " -> " + r.statusCode());
      assertTrue(r.body().startsWith("error: "), path + " -> " + r.body());
      assertFalse(r.body().contains("root:"), r.body());
    }
    assertEquals(400, server.get("/hosts/WEB1").statusCode());
    assertEquals(400, server.get("/hosts?hostclass=../x").statusCode());
    assertEquals(400, server.get("/hosts?format=xml").statusCode());
  }

  @Test
  void metricsCountRequestsByRouteAndStatus() throws Exception {
    server.get("/hosts");
    server.get("/hosts");
    server.get("/hostclasses/nope");
    String metrics = server.get("/metrics").body();
    assertTrue(metrics.contains("roller_http_requests_total{route=\"/hosts\",status=\"200\"} 2"), metrics);
    assertTrue(metrics.contains("roller_http_requests_total{route=\"/hostclasses/{hc}\",status=\"404\"} 1"), metrics);
    assertTrue(metrics.contains("roller_http_request_duration_seconds_count{route=\"/hosts\"} 2"), metrics);
    assertTrue(metrics.contains("roller_snapshot_info{commit=\"" + first + "\"} 1"), metrics);
    assertTrue(metrics.contains("roller_rejected_commits_total 0"), metrics);
  }

  @Test
  void unknownRoutesAndMethodsAreClearErrors() throws Exception {
    HttpResponse<String> nope = server.get("/nope");
    assertEquals(404, nope.statusCode());
    assertEquals("no such resource: /nope", ServerFixture.error(nope));
    assertEquals(405, server.send("DELETE", "/hosts", java.net.http.HttpRequest.BodyPublishers.noBody()).statusCode());
  }
}
