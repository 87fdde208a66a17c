package dev.roller.roll.cli;

import dev.roller.host.HostLayout;
import dev.roller.host.HostSettings;
import dev.roller.pkg.render.Plan;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.apply.FailedSpec;
import dev.roller.roll.apply.Journal;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.apply.Preview;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.HealthChecker;
import dev.roller.roll.service.ServiceManager;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** What roll prints about a host: a plan, its status, its generations. */
final class Views {
  private final PrintWriter out;

  Views(PrintWriter out) {
    this.out = out;
  }

  void plan(Preview preview) {
    Plan plan = preview.plan();
    out.println("plan: generation " + (preview.from() < 0 ? "(none)" : preview.from()) + " -> a new generation, commit "
        + (preview.toRec().spec().commit() == null ? "unknown" : preview.toRec().spec().commit()));
    out.println("packages:" + (plan.packages().isEmpty() ? " unchanged" : ""));
    plan.packages().forEach(p -> out.println("  " + p));
    out.println("rendered files:" + (preview.diffs().isEmpty() ? " unchanged" : ""));
    preview.diffs().forEach(d -> out.print(d.indent(2)));
    out.println("services:" + (plan.reasons().isEmpty() ? " unchanged" : ""));
    plan.reasons().forEach((name, why) -> out.println("  " + name + ": " + why));
    plan.activate().forEach(h -> out.println("activate: " + h.pkg() + ": " + h.command()));
    preview.notes().forEach(out::println);
    out.flush();
  }

  /** What the config server last said of this host's rollout, when it said anything. */
  private void rollout(HostLayout layout) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(layout.rollout());
      if (!lines.isEmpty()) {
        out.println("rollout: " + lines.get(0) + (lines.size() > 1 ? " (the config server said so at " + lines.get(1) + ")" : ""));
      }
    } catch (java.io.IOException e) {
      // never told: a server without rollouts, or no roll yet
    }
  }

  int status(HostSettings settings, ServiceManager manager) throws Exception {
    HostLayout layout = settings.layout();
    Generations generations = new Generations(layout);
    var current = generations.current();
    if (Journal.read(layout.journal()) != null) {
      out.println("warning: an interrupted roll left a journal; the next 'roll apply' finishes or undoes it");
    }
    if (current.isEmpty()) {
      out.println("host: " + settings.host());
      out.println("generation: none (roll has not built one on this host)");
      return Outcome.OK;
    }
    GenerationRecord rec = GenerationRecord.read(layout.generation(current.getAsInt()));
    out.println("host: " + (rec == null ? settings.host() : rec.spec().host()));
    out.println("generation: " + current.getAsInt());
    rollout(layout);
    FailedSpec failed = FailedSpec.read(layout.failedSpec());
    if (failed != null) {
      out.println("last attempt: failed at " + failed.at() + ", commit " + failed.commit() + ", generation "
          + failed.generation() + " rolled back: " + failed.error());
      out.println("  (not tried again until the spec changes, or 'roll apply --retry')");
    }
    if (rec == null) {
      out.println("  (this host's own /usr/local from before roll)");
      return Outcome.OK;
    }
    out.println("hostclass: " + rec.spec().hostclass());
    out.println("datacenter: " + rec.spec().datacenter());
    out.println("commit: " + rec.spec().commit());
    out.println("built: " + rec.builtAt());
    out.println("packages:");
    rec.packages().forEach(p -> out.println("  " + p.ref().name() + ": " + p.ref().version()));
    out.println("services:" + (rec.services().isEmpty() ? " none" : ""));
    HealthChecker checker = new HealthChecker(layout);
    boolean allWell = true;
    for (ServiceUnit u : rec.services()) {
      boolean running = manager.running(u.name());
      String health = "no health check";
      if (u.health() != null && running) {
        HealthChecker.Result result = checker.await(new dev.roller.pkg.manifest.HealthCheck(u.health().kind(),
            u.health().target(), min(u.health().timeout(), Duration.ofSeconds(2))));
        health = result.healthy() ? "healthy" : "unhealthy: " + result.detail();
        allWell &= result.healthy();
      }
      allWell &= running;
      out.println("  " + u.name() + ": " + (running ? "running, " + health : "not running"));
    }
    out.flush();
    return allWell ? Outcome.OK : 1;
  }

  int generations(HostLayout layout) throws Exception {
    Generations generations = new Generations(layout);
    int current = generations.current().orElse(-1);
    List<Integer> all = generations.list();
    if (all.isEmpty()) {
      out.println("no generations yet");
      return Outcome.OK;
    }
    for (int n : all) {
      GenerationRecord rec = GenerationRecord.read(layout.generation(n));
      String mark = n == current ? "* " : "  ";
      if (rec == null) {
        out.println(mark + n + "  this host's own /usr/local from before roll");
      } else {
        String rolledBack = FailedSpec.rolledBack(layout.generation(n));
        out.println(mark + n + "  " + rec.builtAt() + "  commit " + (rec.spec().commit() == null ? "unknown" : rec.spec().commit().substring(0, 12))
            + "  " + String.join(" ", rec.packages().stream().map(p -> p.ref().toString()).toList())
            + (rolledBack == null ? "" : "  ROLLED BACK " + rolledBack));
      }
    }
    return Outcome.OK;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }}
