package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Rollouts (DESIGN §8) on a real server over real git, with the reports roll sends: who is
 * admitted, who is held and on what, halting, pausing, and two servers sharing one store agreeing.
 */
class RolloutTest {
  static final List<String> WEB = List.of("web1.dc1.example.com", "web2.dc1.example.com", "web3.dc1.example.com",
      "web4.dc1.example.com", "web5.dc1.example.com");

  @TempDir Path dir;
  TestRepo repo;
  ServerFixture server;
  String v1;

  @BeforeEach
  void start() throws Exception {
    repo = TestRepo.init(dir.resolve("repo"));
    repo.write("datacenters/dc1.yml", "params: {}\n");
    hostclass("1.0.0", "");
    for (String host : WEB) {
      repo.write("hosts/" + host + ".yml", "hostclass: web\ndatacenter: dc1\n");
    }
    v1 = repo.commit("fleet");
    server = ServerFixture.start(repo, dir.resolve("server"));
    for (String version : List.of("1.0.0", "1.1.0", "1.2.0")) {
      assertEquals(201, server.publish(server.build("app", version, version), ServerFixture.TOKEN).statusCode());
    }
    for (String host : WEB) {
      applied(server, host, v1);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void hostclass(String version, String rollout) throws Exception {
    repo.write("hostclasses/web.yml", "packages:\n  app: " + version + "\n" + rollout);
  }

  /** Commits and has the server serve it (and read the store's reports). */
  private String commit(String message) throws Exception {
    String commit = repo.commit(message);
    refresh(server);
    return commit;
  }

  private static void refresh(ServerFixture s) throws Exception {
    assertEquals(200, s.send("POST", "/hooks/refresh", HttpRequest.BodyPublishers.noBody()).statusCode());
  }

  /** The digest of the spec {@code host} is served now (its weak ETag). */
  private static String served(ServerFixture s, String host) throws Exception {
    HttpResponse<String> r = s.get("/hosts/" + host + "/spec");
    assertEquals(200, r.statusCode(), r.body());
    return etagDigest(r);
  }

  private static String etagDigest(HttpResponse<String> r) {
    String etag = r.headers().firstValue("ETag").orElseThrow();
    return etag.substring(3, etag.length() - 1);
  }

  private static String rollout(ServerFixture s, String host) throws Exception {
    return s.get("/hosts/" + host + "/spec").headers().firstValue("X-Roller-Rollout").orElseThrow();
  }

  /** The target of {@code host} at {@code commit}: what an admitted host is served. */
  private String target(String host, String commit) throws Exception {
    HttpResponse<String> r = server.get("/hosts/" + host + "/spec?explain=1&rev=" + commit);
    assertEquals(200, r.statusCode(), r.body());
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) new Yaml().load(r.body());
    doc.remove("explain");
    return dev.roller.repo.spec.SpecCodec.fromMap(doc, dev.roller.repo.spec.SpecCodec.Identity.OPTIONAL).digest();
  }

  /** As roll reports a spec of {@code commit} applied: it tried it and runs it. */
  private void applied(ServerFixture s, String host, String commit) throws Exception {
    String digest = target(host, commit);
    report(s, host, "{result: applied, commit: " + commit + ", tried: " + digest + ", running: " + digest
        + ", running_commit: " + commit + "}", 201);
  }

  /** As roll reports a spec of {@code commit} rolled back to the one of {@code back}. */
  private void rolledBack(ServerFixture s, String host, String commit, String back) throws Exception {
    report(s, host, "{result: rolled-back, commit: " + commit + ", tried: " + target(host, commit) + ", running: "
        + target(host, back) + ", running_commit: " + back + ", error: health check failed}", 201);
  }

  private static HttpResponse<String> report(ServerFixture s, String host, String body, int status) throws Exception {
    HttpResponse<String> r = s.send("POST", "/hosts/" + host + "/report", HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/yaml");
    assertEquals(status, r.statusCode(), r.body());
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> rolloutOf(ServerFixture s, String hc) throws Exception {
    HttpResponse<String> r = s.get("/rollouts/" + hc);
    assertEquals(200, r.statusCode(), r.body());
    return (Map<String, Object>) new Yaml().load(r.body());
  }

  /** The hosts of the rollout in their order, each "host state". */
  @SuppressWarnings("unchecked")
  private static List<String> states(Map<String, Object> rollout) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> h : (List<Map<String, Object>>) rollout.get("by_host")) {
      out.add(h.get("host") + " " + h.get("state"));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> order(Map<String, Object> rollout) {
    return ((List<Map<String, Object>>) rollout.get("by_host")).stream().map(h -> (String) h.get("host")).toList();
  }

  @Test
  void aCanaryGoesFirstAndTheRestFollowOnceItIsDone() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [1, 100%]\n");
    String v2 = commit("app 1.1.0 in waves");
    Map<String, Object> rollout = rolloutOf(server, "web");
    List<String> order = order(rollout);
    String canary = order.get(0);
    assertEquals(1, rollout.get("wave"));
    assertEquals(List.of(1, 5), rollout.get("wave_ends"));
    assertEquals(Map.of("total", 5, "done", 0, "pending", 1, "failed", 0, "held", 4), rollout.get("hosts"));

    assertEquals(target(canary, v2), served(server, canary), "the canary gets the new spec");
    assertEquals("target (wave 1 of 2)", rollout(server, canary));
    for (String host : order.subList(1, 5)) {
      assertEquals(target(host, v1), served(server, host), host + " is held on the spec it runs");
      assertEquals("held (wave 2 opens when the hosts of wave 1 are done: 1 pending)", rollout(server, host));
    }

    applied(server, canary, v2);

    for (String host : order.subList(1, 5)) {
      assertEquals(target(host, v2), served(server, host), host + " is admitted once the canary is done");
    }
    for (String host : order.subList(1, 5)) {
      applied(server, host, v2);
    }
    assertEquals("complete", rolloutOf(server, "web").get("state"));
  }

  @Test
  void theOrderIsStableAndTheSameOnEveryServer() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [2, 100%]\n");
    commit("two canaries");
    List<String> first = order(rolloutOf(server, "web"));
    hostclass("1.2.0", "rollout:\n  waves: [2, 100%]\n");
    commit("again");
    assertEquals(first, order(rolloutOf(server, "web")), "the same hosts go first every time");
    assertNotEquals(WEB, first, "ordered by sha256 of hostclass/fqdn, not by name");
  }

  @Test
  void aFailingCanaryHaltsTheRolloutUntilACommitChangesTheSpecs() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [1, 100%]\n  max_failures: 0\n");
    String v2 = commit("bad app");
    List<String> order = order(rolloutOf(server, "web"));
    String canary = order.get(0);

    rolledBack(server, canary, v2, v1);

    Map<String, Object> halted = rolloutOf(server, "web");
    assertEquals(true, halted.get("halted"));
    assertEquals("halted: 1 hosts failed (max_failures 0): " + canary, halted.get("state"));
    assertTrue(rollout(server, canary).startsWith("held (this spec rolled-back here at "), rollout(server, canary));
    String metrics = server.get("/metrics").body();
    assertTrue(metrics.contains("roller_rollout_halted{hostclass=\"web\"} 1\n"), metrics);
    assertTrue(metrics.contains("roller_rollout_hosts{hostclass=\"web\",state=\"failed\"} 1\n"), metrics);
    assertTrue(metrics.contains("roller_rollout_hosts{hostclass=\"web\",state=\"held\"} 4\n"), metrics);
    String page = server.get("/").body();
    assertTrue(page.contains("<h2>Rollouts</h2>") && page.contains("<td class=\"s-failing\">halted: 1 hosts failed"), page);
    assertTrue(page.contains("<div class=\"banner halted\" role=\"alert\">Rollout of <a href=\"/?hostclass=web\">web</a> halted"),
        "and says so at the top: " + page);
    assertEquals(target(canary, v1), served(server, canary), "a failed host is held on the spec it went back to");
    HttpResponse<String> asked = server.get("/hosts/" + canary + "/spec", "If-None-Match", "W/\"" + target(canary, v1) + "\"");
    assertEquals(304, asked.statusCode(), "holding it costs a 304");
    assertTrue(server.get("/hosts/" + canary + "/spec").body().contains("host: " + canary), "and the full answer is still whole");
    for (String host : order.subList(1, 5)) {
      assertEquals(target(host, v1), served(server, host), host + " never gets the bad version");
      assertEquals("held (halted: 1 hosts failed, max_failures 0)", rollout(server, host));
    }

    // A revert: every host's target is the spec it runs again; the rollout is complete.
    hostclass("1.0.0", "rollout:\n  waves: [1, 100%]\n  max_failures: 0\n");
    commit("revert");
    assertEquals("complete", rolloutOf(server, "web").get("state"));
    assertEquals("target", rollout(server, canary));

    // A fix: every spec changes, the failure is of a spec no longer wanted, the canary goes first again.
    hostclass("1.2.0", "rollout:\n  waves: [1, 100%]\n  max_failures: 0\n");
    String v3 = commit("fixed app");
    Map<String, Object> resumed = rolloutOf(server, "web");
    assertEquals(false, resumed.get("halted"));
    assertEquals(target(canary, v3), served(server, canary));
    assertEquals(target(order.get(1), v1), served(server, order.get(1)));
  }

  @Test
  void aFailedHostIsHeldWithoutARolloutTooAndRetryServesItTheTarget() throws Exception {
    hostclass("1.1.0", "");
    String v2 = commit("bad app, no rollout");
    assertEquals(target("web2.dc1.example.com", v2), served(server, "web2.dc1.example.com"), "every host at once");
    rolledBack(server, "web1.dc1.example.com", v2, v1);
    assertEquals(target("web1.dc1.example.com", v1), served(server, "web1.dc1.example.com"));
    assertEquals(target("web2.dc1.example.com", v2), served(server, "web2.dc1.example.com"), "no halt without rollout:");
    HttpResponse<String> retry = server.get("/hosts/web1.dc1.example.com/spec?retry=1");
    assertEquals(target("web1.dc1.example.com", v2), etagDigest(retry), "roll apply --retry gets the target");
    assertTrue(retry.headers().firstValue("X-Roller-Rollout").orElseThrow().startsWith("target (retried: held (this spec"));
    Object all = new Yaml().load(server.get("/rollouts").body());
    assertTrue(all.toString().contains("hostclass=web"), "a hostclass with hosts off their target is listed: " + all);
  }

  @Test
  void pausedAdmitsNobodyAndAHostAddedDuringARolloutGetsItsTargetAtOnce() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [1, 100%]\n  paused: true\n");
    repo.write("hosts/web6.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    String v2 = commit("paused, and a new host");
    Map<String, Object> paused = rolloutOf(server, "web");
    assertEquals("paused", paused.get("state"));
    for (String host : WEB) {
      assertEquals(target(host, v1), served(server, host));
      assertEquals("held (paused)", rollout(server, host));
    }
    assertEquals(target("web6.dc1.example.com", v2), served(server, "web6.dc1.example.com"), "a blank host gets its target");

    hostclass("1.1.0", "rollout:\n  waves: [1, 100%]\n  paused: false\n");
    String resumed = commit("resume");
    String canary = order(rolloutOf(server, "web")).stream().filter(WEB::contains).findFirst().orElseThrow();
    assertEquals(target(canary, resumed), served(server, canary), "resuming is a commit");
  }

  @Test
  void twoServersSharingAStoreGiveEveryHostTheSameAnswer() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [1, 40%, 100%]\n");
    String v2 = commit("waves");
    ServerFixture other = ServerFixture.start(repo, dir.resolve("other"), new FilesystemStore(dir.resolve("server/store")),
        ServerFixture.TOKEN);
    try {
      refresh(other);
      assertEquals(states(rolloutOf(server, "web")), states(rolloutOf(other, "web")));
      String canary = order(rolloutOf(server, "web")).get(0);
      applied(other, canary, v2); // received by the other server
      refresh(server);            // which this one reads from the store at its next poll
      assertEquals(states(rolloutOf(server, "web")), states(rolloutOf(other, "web")));
      for (String host : WEB) {
        assertEquals(served(server, host), served(other, host), host);
        assertEquals(rollout(server, host), rollout(other, host), host);
      }
      assertEquals(2, rolloutOf(server, "web").get("wave"));
    } finally {
      other.app.close();
    }
  }

  @Test
  void aLongPollIsAnsweredWhenTheHostsWaveOpensAndA304WhenNothingChanges() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [1, 100%]\n");
    String v2 = commit("waves");
    List<String> order = order(rolloutOf(server, "web"));
    String held = order.get(1);
    String etag = "W/\"" + target(held, v1) + "\"";

    HttpResponse<String> nothing = server.get("/hosts/" + held + "/spec?wait=300ms", "If-None-Match", etag);
    assertEquals(304, nothing.statusCode(), "the wait is up and nothing changed");

    CompletableFuture<HttpResponse<String>> parked = server.client.sendAsync(HttpRequest.newBuilder(
            java.net.URI.create(server.base + "/hosts/" + held + "/spec?wait=60s")).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());
    // The request is parked (no answer yet) until the canary's report opens wave 2.
    for (int i = 0; i < 200 && !server.get("/health").body().contains("parked: 1"); i++) {
      Thread.onSpinWait();
    }
    assertTrue(server.get("/health").body().contains("parked: 1"), server.get("/health").body());
    assertTrue(!parked.isDone());
    applied(server, order.get(0), v2);
    HttpResponse<String> answer = parked.get(30, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(target(held, v2), etagDigest(answer));
    assertEquals("target (wave 2 of 2)", answer.headers().firstValue("X-Roller-Rollout").orElseThrow());
    assertEquals(400, server.get("/hosts/" + held + "/spec?wait=soon", "If-None-Match", etag).statusCode());
  }

  @Test
  void badReportsAreRefusedAndNeverAdmitAHost() throws Exception {
    hostclass("1.1.0", "rollout:\n  waves: [1, 100%]\n");
    String v2 = commit("waves");
    String canary = order(rolloutOf(server, "web")).get(0);
    String second = order(rolloutOf(server, "web")).get(1);
    report(server, "nope.dc1.example.com", "{result: applied}", 404);
    report(server, canary, "{result: applied, commit: " + v2 + ", tried: abc, running: abc}", 400);
    String other = "ab".repeat(32);
    HttpResponse<String> lie = report(server, canary, "{result: applied, commit: " + v2 + ", tried: " + other
        + ", running: " + other + ", running_commit: " + v2 + "}", 422);
    assertTrue(ServerFixture.error(lie).contains("but that commit gives it"), lie.body());
    assertEquals(target(second, v1), served(server, second), "still held: no report made the canary done");
    // A host's clock is not believed: the server stamps the report with its own.
    String digest = target(canary, v2);
    report(server, canary, "{result: applied, commit: " + v2 + ", tried: " + digest + ", running: " + digest
        + ", running_commit: " + v2 + ", time: '2099-01-01T00:00:00Z'}", 201);
    String kept = java.nio.file.Files.readString(dir.resolve("server/store").resolve(dev.roller.pkg.store.StoreKeys.report(canary)));
    java.time.Instant stamped = java.time.Instant.parse(kept.replaceAll("(?s).*received_at: '?([^'\n]+)'?\n.*", "$1"));
    assertTrue(Math.abs(java.time.Duration.between(stamped, java.time.Instant.now()).toMinutes()) < 5, kept);
    // A report in the store that cannot be read holds its host (the canary is done now: wave 2 is open).
    java.nio.file.Files.writeString(dir.resolve("server/store").resolve(dev.roller.pkg.store.StoreKeys.report(second)), "result: [unclosed\n");
    refresh(server);
    HttpResponse<String> unreadable = server.get("/hosts/" + second + "/spec");
    assertEquals(503, unreadable.statusCode(), unreadable.body());
    assertTrue(ServerFixture.error(unreadable).contains("held (its last report cannot be read"), unreadable.body());
    assertEquals(200, server.get("/health").statusCode());
  }

  @Test
  void aStoreWhoseReportsCannotBeReadAdmitsNobody() throws Exception {
    FilesystemStore files = new FilesystemStore(dir.resolve("server/store"));
    dev.roller.pkg.store.PackageStore broken = (dev.roller.pkg.store.PackageStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.roller.pkg.store.PackageStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("reportTags") || method.getName().equals("report")) {
            throw new java.io.IOException("the bucket is unreachable");
          }
          try {
            return method.invoke(files, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    ServerFixture blind = ServerFixture.start(repo, dir.resolve("blind"), broken, ServerFixture.TOKEN);
    try {
      HttpResponse<String> spec = blind.get("/hosts/web1.dc1.example.com/spec");
      assertEquals(503, spec.statusCode(), spec.body());
      assertTrue(ServerFixture.error(spec).contains("cannot read the hosts' reports") && spec.body().contains("held"),
          spec.body());
      assertEquals(503, blind.get("/rollouts").statusCode());
      assertEquals(200, blind.get("/health").statusCode(), "and it keeps serving");
    } finally {
      blind.app.close();
    }
  }
}
