package dev.roller.server;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.repo.TestRepo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * A simulated fleet against real config servers (bench/fleet-sim, and a test at 1,000 hosts): N
 * hosts of one hostclass, half on each of two servers sharing one store (an S3 bucket on S3Proxy,
 * or a folder). Each host
 * long-polls its spec, "applies" a new one after a short random delay and reports as roll does:
 * applied, or rolled-back (back to the spec it ran) for a version marked bad. The figures: how
 * long a good commit takes to reach every host, whether any host moved before its wave opened,
 * how many hosts ever got a bad version, and how soon both servers said the rollout halted.
 */
final class FleetSim implements AutoCloseable {
  static final Pattern COMMIT = Pattern.compile("(?m)^commit: ([0-9a-f]{40})$");
  static final Pattern VERSION = Pattern.compile("(?m)^  version: (\\S+)$");

  /** A good or bad commit's figures. */
  record Rollout(int hosts, long allAppliedMillis, int movedEarly, int gotIt, long haltedMillis, boolean serversAgree,
      String state) {}

  private final Path dir;
  private final int count;
  private final S3ProxyServer s3;
  private final dev.roller.pkg.store.PackageStore storeA;
  private final dev.roller.pkg.store.PackageStore storeB;
  final TestRepo repo;
  final ServerFixture a;
  final ServerFixture b;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newFixedThreadPool(8)).build();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final Random random = new Random(42);
  private final List<Host> hosts = new ArrayList<>();
  private volatile boolean running = true;
  private volatile String badVersion = "";

  /** One simulated host: the spec it runs (digest and commit) and when it first got each digest. */
  private final class Host {
    final String name;
    final ServerFixture server;
    volatile String digest;
    volatile String commit;
    final Map<String, Long> received = new ConcurrentHashMap<>();
    final Map<String, Long> done = new ConcurrentHashMap<>();

    Host(String name, ServerFixture server) {
      this.name = name;
      this.server = server;
    }

    void poll() {
      if (!running) {
        return;
      }
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.base + "/hosts/" + name + "/spec"
          + (digest == null ? "" : "?wait=20s"))).timeout(Duration.ofSeconds(40));
      if (digest != null) {
        r.header("If-None-Match", "W/\"" + digest + "\"");
      }
      http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
        if (failure != null || response.statusCode() >= 500) {
          timers.schedule(this::poll, 200, TimeUnit.MILLISECONDS); // a server restarting, say: ask again soon
        } else if (response.statusCode() == 304) {
          String rollout = response.headers().firstValue("X-Roller-Rollout").orElse("");
          if (rollout.startsWith("target (") && commit != null) {
            // As roll does: the server does not count this host done (its report was lost): report again.
            report("{result: unchanged, commit: " + commit + ", tried: " + digest + ", running: " + digest
                + ", running_commit: " + commit + "}", 0, this::poll);
          } else {
            poll();
          }
        } else {
          answered(response);
        }
      });
    }

    private void answered(HttpResponse<String> response) {
      String etag = response.headers().firstValue("ETag").orElse("");
      String got = etag.length() > 4 ? etag.substring(3, etag.length() - 1) : "";
      if (got.equals(digest)) {
        poll();
        return;
      }
      long now = System.currentTimeMillis();
      received.putIfAbsent(got, now);
      Matcher commitMatch = COMMIT.matcher(response.body());
      Matcher version = VERSION.matcher(response.body());
      String specCommit = commitMatch.find() ? commitMatch.group(1) : null;
      boolean bad = version.find() && version.group(1).equals(badVersion);
      timers.schedule(() -> {
        String body;
        if (bad) {
          body = "{result: rolled-back, commit: " + specCommit + ", tried: " + got + ", running: " + digest
              + ", running_commit: " + commit + ", error: health check failed}";
        } else {
          body = "{result: applied, commit: " + specCommit + ", tried: " + got + ", running: " + got
              + ", running_commit: " + specCommit + "}";
        }
        done.putIfAbsent(got, System.currentTimeMillis());
        if (!bad) {
          digest = got;
          commit = specCommit;
        }
        report(body, 0, this::poll);
      }, 20 + random.nextInt(180), TimeUnit.MILLISECONDS);
    }

    /** Posts a report; a busy server (503) is asked again shortly, a few times, as a roll's next run would. */
    private void report(String body, int attempt, Runnable then) {
      http.sendAsync(HttpRequest.newBuilder(URI.create(server.base + "/hosts/" + name + "/report"))
              .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()).whenComplete((r, f) -> {
            if ((f != null || r.statusCode() >= 500) && attempt < 20 && running) {
              timers.schedule(() -> report(body, attempt + 1, then), 100 + random.nextInt(200), TimeUnit.MILLISECONDS);
            } else {
              then.run();
            }
          });
    }
  }

  /**
   * {@code count} hosts on two servers sharing one S3 bucket on S3Proxy ({@code onS3}), or one
   * store folder (quicker: S3Proxy is the slowest part of a run).
   */
  FleetSim(Path dir, int count, boolean onS3) throws Exception {
    this.dir = dir;
    this.count = count;
    s3 = onS3 ? S3ProxyServer.start(Files.createDirectories(dir.resolve("s3"))) : null;
    repo = TestRepo.init(dir.resolve("repo"));
    repo.write("datacenters/dc1.yml", "params: {}\n");
    repo.write("hostclasses/web.yml", "packages:\n  app: 1.0.0\n");
    for (int i = 1; i <= count; i++) {
      repo.write("hosts/web" + i + ".dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
    }
    repo.commit("fleet");
    if (onS3) {
      s3.createBucket("fleet");
      storeA = new CachingStore(S3Store.create(s3.settings("fleet", "roller").withTimeouts(Duration.ofSeconds(2),
          Duration.ofSeconds(20))), dir.resolve("a/cache"));
      storeB = new CachingStore(S3Store.create(s3.settings("fleet", "roller").withTimeouts(Duration.ofSeconds(2),
          Duration.ofSeconds(20))), dir.resolve("b/cache"));
    } else {
      storeA = new dev.roller.pkg.store.FilesystemStore(dir.resolve("store"));
      storeB = new dev.roller.pkg.store.FilesystemStore(dir.resolve("store"));
    }
    Duration poll = Duration.ofSeconds(1); // each server reads the reports the other received every second
    a = ServerFixture.start(repo, dir.resolve("a"), storeA, ServerFixture.TOKEN, ServerLimits.defaults(), poll);
    b = ServerFixture.start(repo, dir.resolve("b"), storeB, ServerFixture.TOKEN, ServerLimits.defaults(), poll);
    for (String version : List.of("1.0.0", "2.0.0", "3.0.0")) {
      if (a.publish(a.build("app", version, version), ServerFixture.TOKEN).statusCode() != 201) {
        throw new IllegalStateException("cannot publish app " + version);
      }
    }
    for (int i = 1; i <= count; i++) {
      hosts.add(new Host("web" + i + ".dc1.example.com", i % 2 == 0 ? a : b));
    }
  }

  /**
   * Starts the fleet on the commit served, as if every host had rolled it: each host's report is
   * put in the shared store (as a server keeps it), both servers read them, and the hosts start
   * long-polling with that spec (1,000 first rolls at once would be a report storm on one bucket,
   * and not what is measured).
   */
  void seed() throws Exception {
    String now = java.time.Instant.now().toString();
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(8);
    try {
      pool.submit(() -> hosts.parallelStream().forEach(h -> {
        try {
          HttpResponse<String> r = h.server.get("/hosts/" + h.name + "/spec");
          String etag = r.headers().firstValue("ETag").orElseThrow();
          Matcher m = COMMIT.matcher(r.body());
          m.find();
          h.digest = etag.substring(3, etag.length() - 1);
          h.commit = m.group(1);
          storeA.putReport(h.name, ("host: " + h.name + "\nresult: applied\ncommit: " + h.commit + "\ntried: " + h.digest
              + "\nrunning: " + h.digest + "\nrunning_commit: " + h.commit + "\nreceived_at: '" + now
              + "'\nrunning_since: '" + now + "'\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (Exception e) {
          throw new IllegalStateException("cannot seed " + h.name + ": " + e, e);
        }
      })).get();
    } finally {
      pool.shutdown();
    }
    refresh(a);
    refresh(b);
    if (done(a) < count || done(b) < count) {
      throw new IllegalStateException("seeded, but the servers count " + done(a) + " and " + done(b) + " hosts done");
    }
    hosts.forEach(Host::poll);
  }

  /**
   * Commits app {@code version} with {@code rollout} (YAML under {@code rollout:}), has both
   * servers serve it, and follows the fleet until every host runs it (a good version) or both
   * servers say the rollout halted (a bad one), within {@code limit}.
   */
  Rollout roll(String version, boolean bad, String rollout, Duration soak, Duration limit) throws Exception {
    badVersion = bad ? version : "";
    repo.write("hostclasses/web.yml", "packages:\n  app: " + version + "\nrollout:\n" + rollout);
    repo.commit("app " + version);
    refresh(a);
    refresh(b);
    long landed = System.currentTimeMillis();
    long deadline = landed + limit.toMillis();
    Map<String, String> target = new HashMap<>();
    for (Host h : hosts) {
      target.put(h.name, digest(h.server, h.name));
    }
    long allApplied = -1;
    long halted = -1;
    while (System.currentTimeMillis() < deadline) {
      if (!bad && allApplied < 0 && hosts.stream().allMatch(h -> target.get(h.name).equals(h.digest))) {
        allApplied = System.currentTimeMillis() - landed;
      }
      if (!bad && allApplied >= 0 && state(a).equals("complete") && state(b).equals("complete")) {
        break; // and both servers have every host's report
      }
      if (bad && state(a).startsWith("halted") && state(b).startsWith("halted")) {
        long failedAt = hosts.stream().map(h -> h.done.get(target.get(h.name))).filter(t -> t != null)
            .min(Long::compare).orElse(landed);
        halted = System.currentTimeMillis() - failedAt;
        break;
      }
      Thread.sleep(20); // polling the servers' and the fleet's state, bounded by the deadline
    }
    int gotIt = (int) hosts.stream().filter(h -> h.received.containsKey(target.get(h.name))).count();
    int early = movedEarly(target, soak);
    refresh(a);
    refresh(b);
    boolean agree = states(a).equals(states(b));
    return new Rollout(count, allApplied, early, gotIt, halted, agree, state(a));
  }

  /**
   * Hosts that got their new spec before their wave could open: before the last host of the
   * waves before theirs was done, plus the soak.
   */
  @SuppressWarnings("unchecked")
  private int movedEarly(Map<String, String> target, Duration soak) throws Exception {
    Map<String, Object> doc = (Map<String, Object>) new Yaml().load(a.get("/rollouts/web").body());
    Map<String, Integer> wave = new HashMap<>();
    for (Map<String, Object> h : (List<Map<String, Object>>) doc.get("by_host")) {
      wave.put((String) h.get("host"), (Integer) h.get("wave"));
    }
    int early = 0;
    for (Host h : hosts) {
      Long got = h.received.get(target.get(h.name));
      int w = wave.get(h.name);
      if (got == null || w == 1) {
        continue;
      }
      long lastBefore = 0;
      for (Host other : hosts) {
        if (wave.get(other.name) < w) {
          Long done = other.done.get(target.get(other.name));
          lastBefore = Math.max(lastBefore, done == null ? Long.MAX_VALUE / 2 : done);
        }
      }
      if (got < lastBefore + soak.toMillis()) {
        early++;
      }
    }
    return early;
  }

  private static String digest(ServerFixture s, String host) throws Exception {
    HttpResponse<String> r = s.get("/hosts/" + host + "/spec?explain=1");
    Map<?, ?> doc = new Yaml().load(r.body());
    Map<Object, Object> spec = new HashMap<>(doc);
    spec.remove("explain");
    return dev.roller.repo.spec.SpecCodec.fromMap(spec, dev.roller.repo.spec.SpecCodec.Identity.OPTIONAL).digest();
  }

  private static void refresh(ServerFixture s) throws Exception {
    s.send("POST", "/hooks/refresh", HttpRequest.BodyPublishers.noBody());
  }

  @SuppressWarnings("unchecked")
  private static int done(ServerFixture s) throws Exception {
    Map<String, Object> doc = (Map<String, Object>) new Yaml().load(s.get("/rollouts/web").body());
    return (Integer) ((Map<String, Object>) doc.get("hosts")).get("done");
  }

  @SuppressWarnings("unchecked")
  private static String state(ServerFixture s) throws Exception {
    Map<String, Object> doc = (Map<String, Object>) new Yaml().load(s.get("/rollouts/web").body());
    return String.valueOf(doc.get("state"));
  }

  @SuppressWarnings("unchecked")
  private static List<String> states(ServerFixture s) throws Exception {
    Map<String, Object> doc = (Map<String, Object>) new Yaml().load(s.get("/rollouts/web").body());
    List<String> out = new ArrayList<>();
    for (Map<String, Object> h : (List<Map<String, Object>>) doc.get("by_host")) {
      out.add(h.get("host") + " " + h.get("state") + " " + h.get("why"));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    running = false;
    timers.shutdownNow();
    a.app.close();
    b.app.close();
    if (storeA instanceof AutoCloseable c) {
      c.close();
    }
    if (storeB instanceof AutoCloseable c) {
      c.close();
    }
    if (s3 != null) {
      s3.close();
    }
    repo.close();
  }
}
