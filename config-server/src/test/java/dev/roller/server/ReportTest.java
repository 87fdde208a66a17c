package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports kept in the store, a host's status against the repo, and the fleet page. */
class ReportTest {
  @TempDir Path dir;
  ServerFixture server;
  String commit;

  @BeforeEach
  void start() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    commit = repo.commit("first");
    server = ServerFixture.start(repo, dir);
    server.publish(server.build("hello-web", "1.0.0", "w"), ServerFixture.TOKEN);
    server.publish(server.build("foreman", "1.0.0", "f"), ServerFixture.TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> report(String host, String body) throws Exception {
    return server.send("POST", "/hosts/" + host + "/report", HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json");
  }

  /** What roll reports: the spec it applied, as the server served it. */
  private String applied(String host, String result) throws Exception {
    String spec = server.get("/hosts/" + host + "/spec?format=json").body();
    return "{\"result\":\"" + result + "\",\"commit\":\"" + commit + "\",\"generation\":3,\"spec\":" + spec + "}";
  }

  private String state(String host) throws Exception {
    String body = server.get("/hosts/" + host + "/status").body();
    return body.lines().filter(l -> l.startsWith("state: ")).findFirst().orElseThrow().substring(7);
  }

  @Test
  void statusFollowsReportsAndTheRepo() throws Exception {
    assertEquals("never reported", state("web1.dc1.example.com"));
    assertEquals(201, report("web1.dc1.example.com", applied("web1.dc1.example.com", "applied")).statusCode());
    assertEquals("in sync", state("web1.dc1.example.com"));
    assertTrue(server.get("/hosts/web1.dc1.example.com/status").body().contains("generation: 3"));

    // A commit that changes nothing for this host keeps it in sync; one that changes its spec drifts it.
    server.repo.write("users/bob.yml", "uid: 2002\nhostclasses: [web]\n");
    server.repo.commit("a user");
    server.app.snapshots().refresh();
    assertEquals("in sync", state("web1.dc1.example.com"));
    server.repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams: {workers: 9}\n");
    server.repo.commit("more workers");
    server.app.snapshots().refresh();
    assertEquals("drifted", state("web1.dc1.example.com"));

    assertEquals(201, report("web2.dc1.example.com", applied("web2.dc1.example.com", "rolled-back")).statusCode());
    assertEquals("failing", state("web2.dc1.example.com"));
    String metrics = server.get("/metrics").body();
    assertTrue(metrics.contains("roller_hosts{datacenter=\"dc1\",hostclass=\"web\",state=\"failing\"} 1\n"), metrics);
    assertTrue(metrics.contains("roller_hosts{datacenter=\"dc1\",hostclass=\"web\",state=\"drifted\"} 1\n"), metrics);
  }

  @Test
  void aReportWithAMalformedTimeOrGenerationIsRefusedAndOneFromTheFutureIsKeptAndNamed() throws Exception {
    HttpResponse<String> badTime = report("web1.dc1.example.com", "{\"result\":\"applied\",\"time\":\"yesterday\"}");
    assertEquals(400, badTime.statusCode());
    assertTrue(ServerFixture.error(badTime).contains("'time' must be a time"), badTime.body());
    HttpResponse<String> badGeneration = report("web1.dc1.example.com", "{\"result\":\"applied\",\"generation\":\"x\"}");
    assertEquals(400, badGeneration.statusCode());
    assertEquals("never reported", state("web1.dc1.example.com"), "nothing kept");
    assertEquals(404, report("nosuch.dc1.example.com", applied("web1.dc1.example.com", "applied")).statusCode());

    String ahead = java.time.Instant.now().plus(java.time.Duration.ofHours(3)).toString();
    String body = applied("web1.dc1.example.com", "applied");
    assertEquals(201, report("web1.dc1.example.com", body.substring(0, body.length() - 1) + ",\"time\":\"" + ahead + "\"}")
        .statusCode());
    assertEquals("in sync", state("web1.dc1.example.com"), "a skewed clock loses no report");
    assertTrue(server.get("/hosts/web1.dc1.example.com/status").body().contains("the host's clock is ahead"));
  }

  @Test
  void reportsAreKeptInThePackageStore() throws Exception {
    report("web1.dc1.example.com", applied("web1.dc1.example.com", "applied"));
    String kept = java.nio.file.Files.readString(dir.resolve("store").resolve(dev.roller.pkg.store.StoreKeys.report("web1.dc1.example.com")));
    assertTrue(kept.contains("result: applied"), kept);
    assertTrue(kept.contains("tried: ") && kept.contains("running: ") && kept.contains("received_at: "), kept);
  }

  @Test
  void badReportsAreRefused() throws Exception {
    assertEquals(400, report("web1.dc1.example.com", "{\"result\":\"great\"}").statusCode());
    assertEquals(400, report("web1.dc1.example.com", "[1, 2]").statusCode());
    assertEquals(400, report("web1.dc1.example.com", "{\"result\":\"applied\",\"commit\":\"abc\"}").statusCode());
    assertEquals(400, report("web1.dc1.example.com", "{unclosed").statusCode());
    assertEquals(404, report("nope.dc1.example.com", "{\"result\":\"applied\"}").statusCode());
  }

  @Test
  void theFleetPageShowsEveryHostWithItsStateAndEscapesValues() throws Exception {
    report("web1.dc1.example.com", applied("web1.dc1.example.com", "applied"));
    HttpResponse<String> page = server.get("/?state=any");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    assertTrue(page.body().contains("<a href=\"/?datacenter=dc1\">dc1</a>"), page.body());
    assertTrue(page.body().contains(hostRow("web1.dc1.example.com", "in sync")), page.body());
    assertTrue(page.body().contains(hostRow("web2.dc1.example.com", "never reported")), page.body());
    // A report can carry any text; the page shows it escaped.
    report("web2.dc1.example.com", "{\"result\":\"failed\",\"commit\":\"" + commit + "\",\"error\":\"<script>alert(1)</script>\"}");
    assertFalse(server.get("/").body().contains("<script>"));
    assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", dev.roller.server.http.HtmlAccess.escape("<b> & \"x\" 'y'"));
  }

  @Test
  void anAliasBombReportIsRefusedAndNothingIsStored() throws Exception {
    // 562 bytes that a YAML dumper expands to hundreds of megabytes.
    StringBuilder bomb = new StringBuilder("result: applied\na0: &a0 [\"lol\", \"lol\"]\n");
    for (int i = 1; i <= 25; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    HttpResponse<String> refused = report("web1.dc1.example.com", bomb.toString());
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(ServerFixture.error(refused).contains("aliases expand this document past"), refused.body());
    assertFalse(java.nio.file.Files.exists(dir.resolve("store").resolve(dev.roller.pkg.store.StoreKeys.report("web1.dc1.example.com"))), "nothing stored");
    assertEquals(413, report("web1.dc1.example.com", "result: applied\nerror: " + "x".repeat(300_000) + "\n").statusCode());
    assertEquals(400, report("web1.dc1.example.com", "result: !!binary aGk=\n").statusCode());
  }

  @Test
  void aStoredReportThatDoesNotParseShowsAsUnreadableAndTheRestStillAnswers() throws Exception {
    report("web2.dc1.example.com", applied("web2.dc1.example.com", "applied"));
    java.nio.file.Path stored = dir.resolve("store").resolve(dev.roller.pkg.store.StoreKeys.report("web1.dc1.example.com"));
    java.nio.file.Files.createDirectories(stored.getParent());
    java.nio.file.Files.writeString(stored, "result: [unclosed\n");
    // The server reads the store's reports at every poll, or when told to (as another server's are).
    assertEquals(200, server.send("POST", "/hooks/refresh", java.net.http.HttpRequest.BodyPublishers.noBody()).statusCode());

    HttpResponse<String> page = server.get("/?state=any");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains(hostRow("web1.dc1.example.com", "report unreadable")), page.body());
    assertTrue(page.body().contains(hostRow("web2.dc1.example.com", "in sync")), page.body());
    assertEquals("report unreadable", state("web1.dc1.example.com"));
  }

  @Test
  void aHostThatDeclaresAKeyHasItsReportsAcceptedOnlyWhenSignedByIt() throws Exception {
    java.security.KeyPair hostKey = dev.roller.repo.trust.Keys.generate();
    server.repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nkey: "
        + dev.roller.repo.trust.Keys.format(hostKey.getPublic()) + "\n");
    commit = server.repo.commit("web1 declares its key");
    server.app.snapshots().refresh();
    String body = applied("web1.dc1.example.com", "applied");
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    HttpResponse<String> unsigned = report("web1.dc1.example.com", body);
    assertEquals(401, unsigned.statusCode(), unsigned.body());
    assertTrue(ServerFixture.error(unsigned).contains("must be signed by its key (key: in hosts/web1.dc1.example.com.yml)"));
    String forged = new dev.roller.repo.trust.Signatures.Signer(dev.roller.repo.trust.Keys.generate().getPrivate()).header(bytes);
    HttpResponse<String> wrongKey = server.send("POST", "/hosts/web1.dc1.example.com/report",
        HttpRequest.BodyPublishers.ofByteArray(bytes), "Content-Type", "application/json", "X-Roller-Signature", forged);
    assertEquals(401, wrongKey.statusCode(), wrongKey.body());
    assertEquals("never reported", state("web1.dc1.example.com"), "nothing kept");

    String signed = new dev.roller.repo.trust.Signatures.Signer(hostKey.getPrivate()).header(bytes);
    HttpResponse<String> ok = server.send("POST", "/hosts/web1.dc1.example.com/report",
        HttpRequest.BodyPublishers.ofByteArray(bytes), "Content-Type", "application/json", "X-Roller-Signature", signed);
    assertEquals(201, ok.statusCode(), ok.body());
    assertTrue(server.get("/hosts/web1.dc1.example.com/status").body().contains("verified: true"));
    assertEquals(201, report("web2.dc1.example.com", applied("web2.dc1.example.com", "applied")).statusCode());
    assertTrue(server.get("/hosts/web2.dc1.example.com/status").body().contains("verified: false"), "no key: kept, unverified");
    String page = server.get("/?state=any").body();
    assertTrue(page.contains("<td>verified</td>") && page.contains("<td>unverified</td>"), page);
  }

  /** The start of a host's row in the fleet page's table: its link, datacenter, hostclass and state. */
  static String hostRow(String host, String state) {
    return "<tr><td><a href=\"/?host=" + host + "\">" + host + "</a></td><td>dc1</td><td>web</td><td class=\"s-"
        + state.replace(' ', '-') + "\">" + state + "</td>";
  }
}
