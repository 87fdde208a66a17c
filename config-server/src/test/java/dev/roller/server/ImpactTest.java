package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.repo.TestRepo;
import dev.roller.server.impact.ImpactReport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * GET /impact on real git branches: which hosts a change would change, grouped, and what happens
 * to their services, predicted by rendering the published packages as roll would.
 */
class ImpactTest {
  @TempDir Path dir;
  TestRepo repo;
  ServerFixture server;

  @BeforeEach
  void start() throws Exception {
    repo = TestRepo.init(dir.resolve("repo"));
    repo.write("datacenters/dc1.yml", "params:\n  ntp: ntp.dc1\n");
    repo.write("datacenters/dc2.yml", "params:\n  ntp: ntp.dc2\n");
    repo.write("hostclasses/web.yml", """
        packages:
          app: 1.0.0
        params:
          greeting: hi
          unused: 1
        """);
    repo.write("hostclasses/lb.yml", """
        packages:
          balancer: 1.0.0
        peers: [web]
        """);
    for (String host : List.of("web1.dc1.example.com", "web2.dc1.example.com", "web3.dc2.example.com")) {
      repo.write("hosts/" + host + ".yml", "hostclass: web\ndatacenter: " + host.split("\\.")[1] + "\n");
    }
    repo.write("hosts/lb1.dc1.example.com.yml", "hostclass: lb\ndatacenter: dc1\n");
    repo.commit("fleet");
    server = ServerFixture.start(repo, dir.resolve("server"));
    // app: a template that uses greeting, and a reload command; balancer: a template over its peers, no reload.
    publish("app", "1.0.0", "services:\n  - name: app\n    run: bin/app\n    reload: bin/app --reload\n",
        "etc/app.conf.tmpl", "greeting={{ params.greeting }}\n");
    publish("app", "1.1.0", "services:\n  - name: app\n    run: bin/app\n    reload: bin/app --reload\n",
        "etc/app.conf.tmpl", "greeting={{ params.greeting }}\nv2\n");
    publish("balancer", "1.0.0", "services:\n  - name: balancer\n    run: bin/balancer\n",
        "etc/balancer.conf.tmpl", "{% for p in peers.web %}{{ p.name }}\n{% endfor %}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void publish(String name, String version, String services, String template, String text) throws Exception {
    Path tree = Files.createDirectories(dir.resolve("src/" + name + "-" + version));
    Files.createDirectories(tree.resolve(".roller"));
    Files.writeString(tree.resolve(".roller/package.yml"), "name: " + name + "\nversion: " + version + "\n" + services);
    Files.createDirectories(tree.resolve(template).getParent());
    Files.writeString(tree.resolve(template), text);
    BuiltPackage built = PackageBuilder.build(tree, dir.resolve("built/" + name + "-" + version));
    assertEquals(201, server.publish(built, ServerFixture.TOKEN).statusCode());
  }

  /** A branch off main with {@code files} changed ({@code null} deletes), committed; main checked out again. */
  private void branch(String name, Map<String, String> files) throws Exception {
    repo.branch(name);
    repo.checkout(name);
    for (var e : files.entrySet()) {
      if (e.getValue() == null) {
        repo.delete(e.getKey());
      } else {
        repo.write(e.getKey(), e.getValue());
      }
    }
    repo.commit(name);
    repo.checkout("main");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> impact(String query) throws Exception {
    HttpResponse<String> r = server.get("/impact?" + query);
    assertEquals(200, r.statusCode(), r.body());
    return (Map<String, Object>) new Yaml().load(r.body());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> groups(Map<String, Object> doc) {
    return (List<Map<String, Object>>) doc.get("groups");
  }

  @Test
  void aNewPackageVersionRestartsItsServiceOnEveryHostOfTheHostclass() throws Exception {
    branch("bump", Map.of("hostclasses/web.yml", "packages:\n  app: 1.1.0\nparams:\n  greeting: hi\n  unused: 1\n"));

    Map<String, Object> doc = impact("to=bump");

    assertEquals(true, doc.get("valid"));
    assertEquals(Map.of("total", 4, "changed", 3, "added", 0, "removed", 0), doc.get("hosts"));
    List<Map<String, Object>> groups = groups(doc);
    assertEquals(1, groups.size(), groups.toString());
    Map<String, Object> g = groups.get(0);
    assertEquals(3, g.get("count"));
    assertEquals(List.of("web1.dc1.example.com", "web2.dc1.example.com", "web3.dc2.example.com"), g.get("hosts"));
    assertEquals(List.of("dc1", "dc2"), g.get("datacenters"));
    assertEquals(Map.of("app", Map.of("from", "1.0.0", "to", "1.1.0")), g.get("packages"));
    assertEquals(Map.of("app", "restart"), g.get("services"));
    assertEquals("every host at once", g.get("rollout"));

    branch("waves", Map.of("hostclasses/web.yml", "packages:\n  app: 1.1.0\nparams:\n  greeting: hi\n  unused: 1\n"
        + "rollout:\n  waves: [1, 50%]\n  soak: 5m\n"));
    assertEquals("waves 1, 50%; soak 5m; max_failures 0", groups(impact("to=waves")).get(0).get("rollout"),
        "the change would reach the hostclass in its waves");
  }

  @Test
  void aParamATemplateUsesReloadsAServiceThatCanAndOneNoTemplateUsesChangesNothing() throws Exception {
    branch("greet", Map.of("hostclasses/web.yml", "packages:\n  app: 1.0.0\nparams:\n  greeting: hello\n  unused: 1\n"));
    branch("unused", Map.of("hostclasses/web.yml", "packages:\n  app: 1.0.0\nparams:\n  greeting: hi\n  unused: 2\n"));

    Map<String, Object> greet = groups(impact("to=greet")).get(0);
    assertEquals(Map.of("greeting", Map.of("from", "hi", "to", "hello")), greet.get("params"));
    assertEquals(Map.of("app", "reload"), greet.get("services"));

    Map<String, Object> unused = groups(impact("to=unused")).get(0);
    assertEquals(Map.of("unused", Map.of("from", 1, "to", 2)), unused.get("params"));
    assertEquals(Map.of("app", "unchanged"), unused.get("services"));
  }

  @Test
  void aWebHostAddedAndOneRemovedChangeTheLoadBalancersPeersWhichRestarts() throws Exception {
    branch("swap", java.util.Collections.unmodifiableMap(new java.util.HashMap<>(java.util.Map.of(
        "hosts/web4.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n"))));
    repo.checkout("swap");
    repo.delete("hosts/web2.dc1.example.com.yml");
    repo.commit("web2 goes");
    repo.checkout("main");

    Map<String, Object> doc = impact("to=swap");

    assertEquals(Map.of("total", 4, "changed", 1, "added", 1, "removed", 1), doc.get("hosts"));
    Map<String, Map<String, Object>> byFirst = new java.util.TreeMap<>();
    groups(doc).forEach(g -> byFirst.put(((List<?>) g.get("hosts")).get(0).toString(), g));
    Map<String, Object> lb = byFirst.get("lb1.dc1.example.com");
    assertEquals(Map.of("web", Map.of("added", List.of("web4.dc1.example.com"), "removed", List.of("web2.dc1.example.com"))),
        lb.get("peers"));
    assertEquals(Map.of("balancer", "restart"), lb.get("services"), "its rendered peers list changed and it has no reload");
    assertEquals("added", byFirst.get("web4.dc1.example.com").get("kind"));
    assertEquals(Map.of("app", "start"), byFirst.get("web4.dc1.example.com").get("services"));
    assertEquals("removed", byFirst.get("web2.dc1.example.com").get("kind"));
    assertEquals(Map.of("app", "stop"), byFirst.get("web2.dc1.example.com").get("services"));
    assertTrue(!byFirst.containsKey("web3.dc2.example.com"), "a host in another datacenter is untouched");
  }

  @Test
  void aPackageThatIsNotPublishedOrCannotBeRenderedIsUnknownWithTheReason() throws Exception {
    branch("unpublished", Map.of("hostclasses/web.yml", "packages:\n  app: 2.0.0\nparams:\n  greeting: hi\n  unused: 1\n"));
    assertEquals(Map.of("app", "unknown (app-2.0.0 is not published)"), groups(impact("to=unpublished")).get(0).get("services"));

    // A template that names a param the new commit removes: roll would refuse the build, the prediction says why.
    branch("nogreeting", Map.of("hostclasses/web.yml", "packages:\n  app: 1.0.0\nparams:\n  unused: 1\n"));
    Object services = groups(impact("to=nogreeting")).get(0).get("services");
    assertTrue(services.toString().startsWith("{app=unknown (template app-1.0.0:etc/app.conf.tmpl:1: "), services.toString());
    assertEquals(200, server.get("/health").statusCode());
  }

  @Test
  void anInvalidBranchAnswersItsProblemsAndNothingElse() throws Exception {
    branch("broken", Map.of("hosts/web9.dc1.example.com.yml", "hostclass: nope\ndatacenter: dc1\n"));

    Map<String, Object> doc = impact("to=broken");

    assertEquals(false, doc.get("valid"));
    assertEquals(List.of("from", "to", "valid", "problems"), List.copyOf(doc.keySet()));
    assertTrue(doc.get("problems").toString().contains("hosts/web9.dc1.example.com.yml:1"), doc.toString());
    HttpResponse<String> markdown = server.get("/impact?to=broken&format=markdown");
    assertTrue(markdown.body().contains("**invalid**"), markdown.body());
  }

  @Test
  void badQueriesGetAClearErrorAndTheServerKeepsServing() throws Exception {
    assertEquals(404, server.get("/impact?to=no-such-branch").statusCode());
    assertEquals(400, server.get("/impact").statusCode());
    HttpResponse<String> typo = server.get("/impact?to=main&form=markdown");
    assertEquals(400, typo.statusCode());
    assertTrue(ServerFixture.error(typo).contains("format, from, group, page, to"), typo.body());
    assertEquals(400, server.get("/impact?to=main&page=-1").statusCode());
    branch("bump", Map.of("hostclasses/web.yml", "packages:\n  app: 1.1.0\nparams:\n  greeting: hi\n  unused: 1\n"));
    assertEquals(404, server.get("/impact?to=bump&group=2").statusCode());
    assertEquals(404, server.get("/impact?to=bump&group=1&page=999999999").statusCode());
    assertEquals(200, server.get("/health").statusCode());
  }

  @Test
  void aGroupsHostsArePagedAndTheMarkdownIsATable() throws Exception {
    branch("bump", Map.of("hostclasses/web.yml", "packages:\n  app: 1.1.0\nparams:\n  greeting: hi\n  unused: 1\n"));
    Map<String, Object> page = impact("to=bump&group=1&page=1");
    assertEquals(List.of("web1.dc1.example.com", "web2.dc1.example.com", "web3.dc2.example.com"), page.get("hosts"));
    assertEquals(1, page.get("pages"));
    assertEquals(Map.of("app", "restart"), page.get("services"));
    assertEquals("# group 1: 3 hosts, page 1 of 1; services: app: restart\n"
        + "web1.dc1.example.com\nweb2.dc1.example.com\nweb3.dc2.example.com\n",
        server.get("/impact?to=bump&group=1&format=text").body());
    assertTrue(server.get("/impact?to=bump&group=1&format=markdown").body().endsWith(", page 1 of 1; services: app: restart\n\n"
        + "- web1.dc1.example.com\n- web2.dc1.example.com\n- web3.dc2.example.com\n"));

    String markdown = server.get("/impact?to=bump&format=markdown").body();
    assertTrue(markdown.contains("**3 of 4 hosts change**"), markdown);
    assertTrue(markdown.contains("| 1 | 3: web1.dc1.example.com, … | web | dc1, dc2 | app 1.0.0 → 1.1.0 |  |  | app: restart "
        + "| every host at once |"), markdown);
  }

  @Test
  void aGroupPastThoseTheSummaryPredictsIsPredictedOnItsOwnPage() throws Exception {
    // One group per host: each of 101 new web hosts gets its own greeting, a param app's template uses.
    repo.checkout("main");
    repo.branch("many");
    repo.checkout("many");
    int groups = ImpactReport.PREDICTED_GROUPS + 1;
    for (int i = 1; i <= groups; i++) {
      repo.write("hosts/w" + i + ".dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    }
    String from = repo.commit("new web hosts");
    for (int i = 1; i <= groups; i++) {
      repo.write("hosts/w" + i + ".dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  greeting: g" + i + "\n");
    }
    repo.commit("each its own greeting");
    repo.checkout("main");

    // 102 groups: the load balancer's (its web peers' params changed) sorts first, then w1, w10, w100...
    List<Map<String, Object>> summary = groups(impact("from=" + from + "&to=many"));
    assertEquals(groups + 1, summary.size());
    assertEquals(List.of("w1.dc1.example.com"), summary.get(1).get("hosts"));
    assertEquals(Map.of("app", "reload"), summary.get(1).get("services"));
    Map<String, Object> last = summary.get(groups);
    assertEquals(List.of("w99.dc1.example.com"), last.get("hosts"));
    assertTrue(last.get("services").toString().contains("?group=" + (groups + 1) + " predicts it"), last.toString());

    Map<String, Object> page = impact("from=" + from + "&to=many&group=" + (groups + 1));
    assertEquals(Map.of("app", "reload"), page.get("services"));
    assertEquals(1, ((List<?>) page.get("hosts")).size());
  }
}
