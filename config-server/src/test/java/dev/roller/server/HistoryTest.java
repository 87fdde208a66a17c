package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /diff, /log and a host's spec diff over a real history of commits. */
class HistoryTest {
  @TempDir Path dir;
  ServerFixture server;
  String first;
  String second;
  String third;

  @BeforeEach
  void start() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    first = repo.commit("first fleet");
    repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 1.1.0}\n");
    second = repo.commit("canary: web1 tries hello-web 1.1.0");
    repo.write("datacenters/dc1.yml", "params: {ntp_server: ntp2.dc1}\n");
    third = repo.commit("dc1: new ntp server");
    server = ServerFixture.start(repo, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void diffIsAUnifiedDiffBetweenTwoCommits() throws Exception {
    HttpResponse<String> r = server.get("/diff?from=" + first + "&to=" + second);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/x-diff"));
    assertTrue(r.body().contains("--- a/hosts/web1.dc1.example.com.yml"), r.body());
    assertTrue(r.body().contains("+packages: {hello-web: 1.1.0}"), r.body());
    String limited = server.get("/diff?from=" + first + "&path=datacenters").body();
    assertTrue(limited.contains("+params: {ntp_server: ntp2.dc1}"), limited);
    assertTrue(!limited.contains("hosts/"), limited);
  }

  @Test
  void specDiffShowsHowAHostsResolvedSpecChanged() throws Exception {
    String body = server.get("/hosts/web1.dc1.example.com/spec/diff?from=" + first + "&to=" + third).body();
    assertTrue(body.contains("-  version: 1.0.0\n+  version: 1.1.0"), body);
    assertTrue(body.contains("-  ntp_server: ntp.dc1\n+  ntp_server: ntp2.dc1"), body);
    assertEquals("", server.get("/hosts/web1.dc1.example.com/spec/diff?from=" + third).body(), "no change: an empty diff");
    var unknown = server.get("/hosts/nope.dc1.example.com/spec/diff?from=" + first);
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertTrue(ServerFixture.error(unknown).contains("no host \"nope.dc1.example.com\""), unknown.body());
  }

  @Test
  void logListsTheCommitsTouchingAPathNewestFirst() throws Exception {
    String all = server.get("/log?format=json").body();
    assertTrue(all.indexOf(third) < all.indexOf(second) && all.indexOf(second) < all.indexOf(first), all);
    String host = server.get("/log?path=hosts/web1.dc1.example.com.yml").body();
    assertTrue(host.contains("subject: 'canary: web1 tries hello-web 1.1.0'"), host);
    assertTrue(host.contains("sha: " + first), host);
    assertTrue(!host.contains(third), host);
    assertTrue(host.contains("author: Test <test@example.com>"), host);
  }

  @Test
  void badHistoryRequestsAreClearErrors() throws Exception {
    assertEquals(400, server.get("/diff").statusCode());
    assertEquals(404, server.get("/diff?from=nope").statusCode());
    assertEquals(400, server.get("/diff?from=" + first + "&path=../etc").statusCode());
    assertEquals(400, server.get("/log?limit=0").statusCode());
    assertEquals(400, server.get("/log?path=/etc/passwd").statusCode());
  }
}
