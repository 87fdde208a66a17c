package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.repo.TestRepo;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.service.ExecServiceManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small fleet rolled for real: three hosts, each its own scratch root with real services, one
 * config server. A new version goes to the canary first; a bad one is rolled back there and the
 * other hosts never restart; a fix goes through, canary first.
 */
class RolloutRollTest {
  static final List<String> HOSTS = List.of("app1.dc1.example.com", "app2.dc1.example.com", "app3.dc1.example.com");

  @TempDir Path dir;
  RollServer server;
  final Map<String, HostLayout> layouts = new LinkedHashMap<>();
  final Map<String, ExecServiceManager> services = new LinkedHashMap<>();
  final Map<String, Applier> appliers = new LinkedHashMap<>();

  @BeforeEach
  void start() throws Exception {
    TestRepo repo = TestRepo.init(dir.resolve("repo"));
    repo.write("datacenters/dc1.yml", "params: {}\n");
    repo.write("hostclasses/app.yml", "packages: {alpha: 1.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n");
    for (String host : HOSTS) {
      repo.write("hosts/" + host + ".yml", "hostclass: app\ndatacenter: dc1\n");
    }
    repo.commit("fleet");
    server = new RollServer(repo, dir.resolve("server"));
    Services.publish(server, "alpha", "1.0.0", "");
    Services.publish(server, "beta", "1.0.0", "");
    for (String host : HOSTS) {
      HostLayout layout = new HostLayout(dir.resolve(host));
      Files.createDirectories(layout.root().resolve("state"));
      ExecServiceManager manager = new ExecServiceManager(layout);
      layouts.put(host, layout);
      services.put(host, manager);
      appliers.put(host, new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2),
          Duration.ofSeconds(20)), manager, Services.quietLog()));
    }
    for (String host : HOSTS) {
      assertEquals(0, appliers.get(host).apply(host, false).exitCode(), host);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (String host : HOSTS) {
      Services.stopAll(layouts.get(host), services.get(host));
    }
    server.close();
  }

  private void hostclass(String yaml) throws Exception {
    Services.hostclass(server, yaml);
  }

  /** The hosts in rollout order, as the server gives them. */
  private List<String> order() throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create(server.uri() + "/rollouts/app?format=json")).build(),
        HttpResponse.BodyHandlers.ofString());
    List<String> out = new ArrayList<>();
    for (String part : r.body().split("\"host\":\"")) {
      if (out.size() < HOSTS.size() && part.contains("\"")) {
        String host = part.substring(0, part.indexOf('"'));
        if (HOSTS.contains(host)) {
          out.add(host);
        }
      }
    }
    assertEquals(HOSTS.size(), out.size(), r.body());
    return out;
  }

  private String alpha(String host) throws Exception {
    return Services.state(layouts.get(host), "alpha");
  }

  @Test
  void aBadVersionStopsAtTheCanaryAndAFixGoesThroughCanaryFirst() throws Exception {
    Services.publish(server, "alpha", "2.0.0", "false"); // its health check never passes
    hostclass("packages: {alpha: 2.0.0, beta: 1.0.0}\nparams: {greeting: hello}\n"
        + "rollout:\n  waves: [1, 100%]\n  max_failures: 0\n");
    List<String> order = order();
    String canary = order.get(0);
    Map<String, String> before = new LinkedHashMap<>();
    for (String host : order) {
      before.put(host, alpha(host));
    }

    // Every host rolls (as cron would, in any order): the others first, then the canary, then the others again.
    for (String host : order.subList(1, 3)) {
      Outcome held = appliers.get(host).apply(host, false);
      assertEquals(0, held.exitCode(), held.message());
      assertTrue(held.message().contains("held (wave 2 opens when the hosts of wave 1 are done"), held.message());
    }
    Outcome failed = appliers.get(canary).apply(canary, false);
    assertEquals(3, failed.exitCode(), "the canary tries it and rolls back: " + failed.message());
    for (String host : order.subList(1, 3)) {
      Outcome held = appliers.get(host).apply(host, false);
      assertEquals(0, held.exitCode(), held.message());
      assertTrue(held.message().contains("held (halted: 1 hosts failed, max_failures 0)"), held.message());
      assertEquals(before.get(host), alpha(host), host + " never restarted: same pid, version and config");
      assertTrue(Files.readString(layouts.get(host).rollout()).startsWith("held (halted"), "roll status shows it");
    }
    Outcome again = appliers.get(canary).apply(canary, false);
    assertEquals(0, again.exitCode(), again.message());
    assertTrue(again.message().contains("held (this spec rolled-back here"), "the canary does not retry: " + again.message());

    // The fix: a new version; the canary goes first, the others follow once it reports.
    Services.publish(server, "alpha", "2.1.0", "");
    hostclass("packages: {alpha: 2.1.0, beta: 1.0.0}\nparams: {greeting: hello}\n"
        + "rollout:\n  waves: [1, 100%]\n  max_failures: 0\n");
    assertEquals(0, appliers.get(order.get(1)).apply(order.get(1), false).exitCode());
    assertEquals(before.get(order.get(1)), alpha(order.get(1)), "still held until the canary is done");
    assertEquals(0, appliers.get(canary).apply(canary, false).exitCode());
    assertTrue(alpha(canary).contains(" 2.1.0 "), alpha(canary));
    for (String host : order.subList(1, 3)) {
      assertEquals(0, appliers.get(host).apply(host, false).exitCode());
      assertTrue(alpha(host).contains(" 2.1.0 "), host + ": " + alpha(host));
    }
  }

  @Test
  void withWaitAHeldHostAppliesAsSoonAsItsWaveOpens() throws Exception {
    Services.publish(server, "alpha", "1.1.0", "");
    hostclass("packages: {alpha: 1.1.0, beta: 1.0.0}\nparams: {greeting: hello}\nrollout:\n  waves: [1, 100%]\n");
    List<String> order = order();
    String canary = order.get(0);
    String held = order.get(1);

    // roll apply --wait 60s on a held host: it long-polls, parked on the server, until the canary is done.
    java.util.concurrent.CompletableFuture<Outcome> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> appliers.get(held).longPoll(Duration.ofSeconds(60)).apply(held, false));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 500; i++) {
      String health = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (health.contains("parked: 1")) {
        break;
      }
      Thread.onSpinWait();
    }
    assertTrue(!waiting.isDone(), "still waiting while the canary has not rolled");
    assertTrue(alpha(held).contains(" 1.0.0 "), alpha(held));

    assertEquals(0, appliers.get(canary).apply(canary, false).exitCode());

    Outcome outcome = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS); // well before its 60 s wait is up
    assertEquals(0, outcome.exitCode(), outcome.message());
    assertTrue(alpha(held).contains(" 1.1.0 "), "applied once its wave opened: " + alpha(held));
  }
}
