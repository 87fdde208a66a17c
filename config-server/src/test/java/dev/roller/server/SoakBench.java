package dev.roller.server;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.S3ProxyServer;
import dev.roller.pkg.store.S3Store;
import dev.roller.repo.TestRepo;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/soak (not a test: surefire runs it only when named, -Dtest=SoakBench; issue 17): one config
 * server with S3 (S3Proxy in a process of its own) behind its disk cache; wrk with 256
 * connections on a host's spec for {@code soak.seconds} (60) while a commit lands every second
 * (every fifth one fails validation) and reports are posted 20 a second; meanwhile its own client
 * asks {@code /health} every 20 ms and a checker asks the spec every 20 ms and notes the commit it
 * was served. Figures go to {@code soak.out}: wrk's answers that were not 2xx/3xx and its socket
 * errors, reports not answered 201, {@code /health} p99, heap after GC before and after, and
 * whether a commit that failed validation was ever served.
 */
class SoakBench {
  static final String HOST = "web1.dc1.example.com";

  @TempDir Path dir;

  @Test
  void run() throws Exception {
    int seconds = Integer.getInteger("soak.seconds", 60);
    Path out = Path.of(System.getProperty("soak.out", "soak.out"));
    StringBuilder figures = new StringBuilder();
    try (S3ProxyServer.Spawned s3 = S3ProxyServer.spawn("2g")) {
      S3ProxyServer.createBucket(s3.endpoint(), "soak-packages");
      S3Store s3Store = S3Store.create(S3ProxyServer.settings(s3.endpoint(), "soak-packages", "roller"));
      TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
      repo.commit("start");
      try (ServerFixture server = ServerFixture.start(repo, dir.resolve("server"), new CachingStore(s3Store, dir.resolve("cache")),
          ServerFixture.TOKEN, ServerLimits.defaults(), Duration.ofSeconds(5))) {
        for (String name : List.of("hello-web", "foreman")) {
          HttpResponse<String> published = server.publish(server.build(name, "1.0.0", name), ServerFixture.TOKEN);
          if (published.statusCode() != 201) {
            throw new IllegalStateException("publish " + name + ": " + published.statusCode() + " " + published.body());
          }
        }
        String spec = server.base + "/hosts/" + HOST + "/spec";
        if (server.get("/hosts/" + HOST + "/spec").statusCode() != 200) {
          throw new IllegalStateException("no spec to soak on");
        }
        wrk(spec, 10); // warm up
        long heapBefore = heapAfterGc();

        AtomicBoolean running = new AtomicBoolean(true);
        Set<String> broken = ConcurrentHashMap.newKeySet();
        Set<String> served = ConcurrentHashMap.newKeySet();
        AtomicInteger commits = new AtomicInteger();
        AtomicInteger reportsSent = new AtomicInteger();
        AtomicInteger reportsRefused = new AtomicInteger();
        List<Long> healthMicros = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        threads.add(loop(running, problems, 1000, () -> {
          int n = commits.incrementAndGet();
          boolean bad = n % 5 == 0;
          repo.write("hostclasses/web.yml", bad ? "packages: [hello-web\n"
              : "description: web tier\npackages:\n  hello-web: 1.0.0\n  foreman: 1.0.0\nparams:\n  listen_port: " + (8000 + n) + "\n");
          String commit = repo.commit("soak " + n);
          if (bad) {
            broken.add(commit);
          }
          server.app.snapshots().refresh();
        }));
        threads.add(loop(running, problems, 50, () -> {
          HttpResponse<String> r = server.send("POST", "/hosts/" + HOST + "/report", HttpRequest.BodyPublishers.ofString(
              "{\"result\":\"applied\",\"generation\":" + reportsSent.incrementAndGet() + "}"), "Content-Type", "application/json");
          if (r.statusCode() != 201) {
            reportsRefused.incrementAndGet();
            problems.add("report: " + r.statusCode() + " " + r.body());
          }
        }));
        threads.add(loop(running, problems, 20, () -> {
          long t = System.nanoTime();
          HttpResponse<String> r = server.get("/health");
          healthMicros.add((System.nanoTime() - t) / 1000);
          if (r.statusCode() != 200) {
            problems.add("/health: " + r.statusCode() + " " + r.body());
          }
        }));
        threads.add(loop(running, problems, 20, () -> {
          HttpResponse<String> r = server.get("/hosts/" + HOST + "/spec");
          r.headers().firstValue("X-Roller-Commit").ifPresent(served::add);
        }));
        threads.forEach(Thread::start);
        String wrk = wrk(spec, seconds);
        running.set(false);
        for (Thread t : threads) {
          t.join(30_000);
        }
        long heapAfter = heapAfterGc();

        Files.writeString(dir.resolve("wrk.txt"), wrk);
        Collections.sort(healthMicros);
        served.retainAll(broken);
        figures.append("seconds=").append(seconds)
            .append("\nrequests=").append(field(wrk, "(\\d+) requests in"))
            .append("\nrps=").append(field(wrk, "Requests/sec:\\s+([0-9.]+)"))
            .append("\nnon_2xx=").append(orZero(field(wrk, "Non-2xx or 3xx responses: (\\d+)")))
            .append("\nsocket_errors=").append(orNone(field(wrk, "Socket errors: ([^\\n]+)")))
            .append("\nspec_p99=").append(field(wrk, "99%\\s+(\\S+)"))
            .append("\ncommits=").append(commits.get()).append("\nbroken_commits=").append(broken.size())
            .append("\nbroken_served=").append(served.size())
            .append("\nreports=").append(reportsSent.get()).append("\nreports_refused=").append(reportsRefused.get())
            .append("\nhealth_checks=").append(healthMicros.size())
            .append("\nhealth_p99_ms=").append(healthMicros.isEmpty() ? "none"
                : String.valueOf(healthMicros.get((int) (healthMicros.size() * 0.99)) / 1000.0))
            .append("\nheap_before_mb=").append(heapBefore).append("\nheap_after_mb=").append(heapAfter)
            .append("\nproblems=").append(problems.size()).append(problems.isEmpty() ? "" : " (first: " + problems.get(0) + ")")
            .append('\n');
        s3Store.close();
      }
    }
    Files.writeString(out, figures);
    System.out.print(figures);
  }

  interface Step {
    void run() throws Exception;
  }

  /** A thread running {@code step} every {@code everyMillis} until {@code running} is false. */
  private static Thread loop(AtomicBoolean running, List<String> problems, long everyMillis, Step step) {
    return new Thread(() -> {
      long next = System.nanoTime();
      while (running.get()) {
        try {
          step.run();
        } catch (Exception e) {
          problems.add(e.toString());
        }
        next += everyMillis * 1_000_000;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait); // a fixed rate, not a synchronisation
        }
      }
    });
  }

  private static String wrk(String url, int seconds) throws Exception {
    Process p = new ProcessBuilder("wrk", "-t2", "-c256", "-d" + seconds + "s", "--latency", url).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + text);
    }
    return text;
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576;
  }

  private static String field(String text, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static String orZero(String s) {
    return s == null ? "0" : s;
  }

  private static String orNone(String s) {
    return s == null ? "none" : s.strip();
  }
}
