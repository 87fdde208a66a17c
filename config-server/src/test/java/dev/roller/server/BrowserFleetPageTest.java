package dev.roller.server;

import dev.roller.repo.Needs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.TestRepo;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet page opened in a real headless browser (Debian's chromium, which .ci/run installs):
 * what a person sees after a host fails and a bad commit lands: the grid with the failing cell in
 * red, the degraded banner naming the rejected commit and its problem, the failing host's reason,
 * and its link leading to the host's page. Screenshots are left in target/ to look at.
 */
class BrowserFleetPageTest {
  @TempDir Path dir;

  @Test
  void aPersonSeesTheFailingCellTheRejectedCommitAndTheReasonAndCanClickThroughToTheHost() throws Exception {
    Path browser = Chromium.find();
    Needs.require(browser != null, "chromium (apt-get install chromium)");
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.write("datacenters/dc2.yml", "description: second\n");
    repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    repo.write("hosts/web3.dc2.example.com.yml", "hostclass: web\ndatacenter: dc2\n");
    String commit = repo.commit("three hosts");
    try (ServerFixture server = ServerFixture.start(repo, dir);
        Chromium chromium = Chromium.start(browser, dir.resolve("profile"), 1280, 1000)) {
      server.publish(server.build("hello-web", "1.0.0", "w"), ServerFixture.TOKEN);
      server.publish(server.build("foreman", "1.0.0", "f"), ServerFixture.TOKEN);
      String spec = server.get("/hosts/web1.dc1.example.com/spec?format=json").body();
      post(server, "web1.dc1.example.com", "{\"result\":\"applied\",\"commit\":\"" + commit + "\",\"generation\":4,\"spec\":" + spec + "}");
      post(server, "web2.dc1.example.com", "{\"result\":\"rolled-back\",\"commit\":\"" + commit + "\",\"generation\":5,"
          + "\"error\":\"health check of hello-web failed: connection refused on 127.0.0.1:8080 <after 30 s>\"}");
      repo.write("hostclasses/web.yml", "packages: [unclosed\n");
      String bad = repo.commit("a broken hostclass");
      server.app.snapshots().refresh();

      chromium.open(server.base + "/");
      String page = chromium.text();
      assertTrue(page.contains("Degraded: commit " + bad + " was rejected"), page);
      assertTrue(page.contains("hostclasses/web.yml:2: YAML syntax error"), "its first problem, with file and line: " + page);
      assertEquals("rgb(255, 129, 130)", chromium.eval("getComputedStyle(document.querySelector('table.grid td.cell-failing'))"
          + ".backgroundColor"), "the dc1 cell is red");
      assertEquals("1 in sync\n1 failing", chromium.eval("document.querySelector('table.grid td.cell-failing').innerText"));
      assertEquals("1 never reported", chromium.eval("document.querySelector('table.grid td.cell-never-reported').innerText"),
          "the dc2 cell");
      assertTrue(page.contains("connection refused on 127.0.0.1:8080 <after 30 s>"), "the failing host's reason, as written: " + page);
      chromium.screenshot(Path.of("target", "fleet-page.png"));

      chromium.click("a[href='/?host=web2.dc1.example.com']");
      String host = chromium.text();
      assertEquals("web2.dc1.example.com - Roller fleet", chromium.eval("document.title"));
      assertTrue(host.contains("web2.dc1.example.com failing"), host);
      assertTrue(host.contains("History") && host.contains("three hosts (Test <test@example.com>"),
          "the history names the commit's subject and author: " + host);
      chromium.screenshot(Path.of("target", "fleet-host-page.png"));
    }
  }

  private static void post(ServerFixture server, String host, String body) throws Exception {
    assertEquals(201, server.send("POST", "/hosts/" + host + "/report", HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json").statusCode());
  }
}
