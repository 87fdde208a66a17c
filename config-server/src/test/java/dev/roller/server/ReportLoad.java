package dev.roller.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The report load of the fleet benchmarks: {@code rate} reports a second for {@code seconds}, open
 * loop (each sent at its time whether or not the ones before were answered, from 64 threads), to
 * hosts spread over {@code hosts}, while one host's spec is asked for in a loop ({@link
 * #publishSpec} first: a spec answers 200 only once its packages are published, and the load
 * fails on any other answer).
 */
final class ReportLoad {
  /** How it went: reports sent, how long they took in all, and p99s in milliseconds. */
  record Figures(int reports, long tookMs, double reportP99Ms, double specP99Ms, int specs) {
    String lines(String prefix) {
      return prefix + "reports=" + reports + "\n" + prefix + "reports_ms=" + tookMs + "\n" + prefix + "report_p99_ms=" + reportP99Ms
          + "\n" + prefix + "spec_p99_ms=" + specP99Ms + "\n" + prefix + "specs=" + specs + "\n";
    }
  }

  private ReportLoad() {}

  /** Posts one failed report for {@code host}, as the load does; anything but a 201 is an error. */
  static void report(HttpClient client, String base, String host) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/hosts/" + host + "/report"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"result\":\"failed\",\"error\":\"bench\"}"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("a report answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** The host whose spec {@link #run} asks for. */
  static String specHost(List<String> hosts) {
    return hosts.get(1);
  }

  /**
   * Publishes (one small file each) the packages the spec of {@link #specHost} names, so that it
   * answers 200 as a fleet's specs do, not a 422 naming them; packages in {@code dir}.
   */
  static void publishSpec(ConfigServerApp app, HttpClient client, String base, List<String> hosts, Path dir) throws Exception {
    String host = specHost(hosts);
    dev.roller.repo.spec.Spec spec = app.snapshots().current().repo().spec(host).orElseThrow();
    for (dev.roller.repo.spec.Spec.Package p : spec.packages()) {
      Path tree = Files.createDirectories(dir.resolve("src/" + p.ref().name() + "-" + p.ref().version()));
      Files.createDirectories(tree.resolve(".roller"));
      Files.writeString(tree.resolve(".roller/package.yml"), "name: " + p.ref().name() + "\nversion: " + p.ref().version() + "\n");
      Files.writeString(tree.resolve("README"), p.ref().toString());
      dev.roller.pkg.tar.BuiltPackage built = dev.roller.pkg.tar.PackageBuilder.build(tree, dir.resolve("built"));
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/packages/" + p.ref().name() + "/" + p.ref().version()))
          .PUT(HttpRequest.BodyPublishers.ofFile(built.file())).header("Authorization", "Bearer " + ServerFixture.TOKEN)
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("publishing " + p.ref() + " answered " + r.statusCode() + ": " + r.body());
      }
    }
  }

  static Figures run(HttpClient client, String base, List<String> hosts, int rate, int seconds) throws Exception {
    String specHost = specHost(hosts);
    URI specUrl = URI.create(base + "/hosts/" + specHost + "/spec");
    HttpResponse<String> first = client.send(HttpRequest.newBuilder(specUrl).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (first.statusCode() != 200) {
      throw new IllegalStateException("the spec of " + specHost + " answers " + first.statusCode() + " (publishSpec first?): "
          + first.body());
    }
    AtomicBoolean running = new AtomicBoolean(true);
    List<Long> specTimes = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicReference<String> specFailure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread specs = new Thread(() -> {
      while (running.get()) {
        long t = System.nanoTime();
        try {
          int status = client.send(HttpRequest.newBuilder(specUrl).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status != 200) {
            specFailure.set("a spec answered " + status);
            return;
          }
        } catch (Exception e) {
          specFailure.set("a spec failed: " + e);
          return;
        }
        specTimes.add((System.nanoTime() - t) / 1000);
      }
    });
    specs.start();
    ExecutorService senders = Executors.newFixedThreadPool(64);
    List<Future<Long>> sent = new ArrayList<>();
    int total = rate * seconds;
    long begin = System.nanoTime();
    try {
      for (int i = 0; i < total; i++) {
        long due = begin + i * 1_000_000_000L / rate;
        String h = hosts.get((int) ((i * 7919L) % hosts.size()));
        sent.add(senders.submit(() -> {
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait); // the schedule of an open-loop load
          }
          long t = System.nanoTime();
          report(client, base, h);
          return (System.nanoTime() - t) / 1000;
        }));
      }
      List<Long> reportTimes = new ArrayList<>();
      for (Future<Long> f : sent) {
        reportTimes.add(f.get());
      }
      long took = (System.nanoTime() - begin) / 1_000_000;
      running.set(false);
      specs.join();
      if (specFailure.get() != null) {
        throw new IllegalStateException(specFailure.get() + " during the report load");
      }
      Collections.sort(reportTimes);
      List<Long> specSorted = new ArrayList<>(specTimes);
      Collections.sort(specSorted);
      return new Figures(total, took, reportTimes.get((int) (reportTimes.size() * 0.99)) / 1000.0,
          specSorted.isEmpty() ? -1 : specSorted.get((int) (specSorted.size() * 0.99)) / 1000.0, specSorted.size());
    } finally {
      running.set(false);
      senders.shutdownNow();
    }
  }
}
