package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.Plan;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.RollException;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.HealthChecker;
import dev.roller.roll.service.ServiceManager;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The move from one generation to another, as a state machine over the journal's phases (DESIGN
 * §5), shared by apply, rollback and {@link Recovery}: STOPPING (the services the plan stops, in
 * reverse order), SWITCHING ({@code /usr/local} to the new generation), ACTIVATING (hooks),
 * STARTING (starts and reloads), CHECKING (health), and ROLLING_BACK when a step after the switch
 * fails. Each phase is journaled before it runs, so a roll killed anywhere is finished or undone
 * from where it stopped. Before the switch a failure puts back what was stopped (exit 1); after it,
 * the previous generation comes back (exit 3), or the journal stays for a person (exit 4).
 */
final class Transition {
  private final HostLayout layout;
  private final Generations generations;
  private final ServiceManager manager;
  private final HealthChecker health;
  private final Hooks hooks;
  private final Log log;
  private final Applier.Pause pause;

  Transition(HostLayout layout, Generations generations, ServiceManager manager, HealthChecker health, Hooks hooks,
      Log log, Applier.Pause pause) {
    this.layout = layout;
    this.generations = generations;
    this.manager = manager;
    this.health = health;
    this.hooks = hooks;
    this.log = log;
    this.pause = pause;
  }

  /**
   * Moves from generation {@code from} to {@code to} following {@code plan}: stop (reverse order),
   * switch, activate hooks, start and reload, health checks; each step journaled first.
   */
  Outcome run(String op, int from, GenerationRecord fromRec, int to, GenerationRecord toRec, Plan plan)
      throws RollException {
    Journal journal = new Journal(op, from, to, Journal.Phase.STOPPING, Plan.names(plan.stop()), Plan.names(plan.start()),
        Plan.names(plan.reload()));
    journal.write(layout.journal());
    pause.at("stopping");
    List<ServiceUnit> stopped = new ArrayList<>();
    try {
      for (ServiceUnit u : plan.stop()) {
        log.info("stopping " + u.name() + " (" + plan.reasons().getOrDefault(u.name(), "restart") + ")");
        manager.stop(u);
        stopped.add(u);
        pause.at("stopped-one");
      }
    } catch (RollException e) {
      String message = "cannot stop: " + e.getMessage();
      undoStops(fromRec, Plan.names(stopped), op.equals("apply") ? to : -1);
      Journal.clear(layout.journal());
      return Outcome.failed(message + " (host untouched: still on generation " + from + ")", from);
    }
    journal = journal.at(Journal.Phase.SWITCHING);
    journal.write(layout.journal());
    pause.at("switching");
    try {
      generations.switchTo(to);
    } catch (IOException e) {
      undoStops(fromRec, Plan.names(stopped), op.equals("apply") ? to : -1);
      Journal.clear(layout.journal());
      return Outcome.failed("cannot switch " + layout.usrLocal() + " to generation " + to + ": " + e.getMessage(), from);
    }
    log.info("switched " + layout.usrLocal() + " to generation " + to);
    pause.at("switched");
    String failure = finish(journal.at(Journal.Phase.ACTIVATING), toRec, plan.activate());
    if (failure == null) {
      Journal.clear(layout.journal());
      return Outcome.applied((op.equals("rollback") ? "rolled back to generation " : "applied generation ") + to, to);
    }
    log.warn(failure);
    return rollBack(journal, fromRec, toRec, failure);
  }

  /**
   * The steps after the switch: activate hooks, start and reload, health checks. Returns null when
   * the generation is up and healthy, else what failed.
   */
  String finish(Journal journal, GenerationRecord toRec, List<Plan.Hook> activate) throws RollException {
    try {
      if (journal.phase() == Journal.Phase.ACTIVATING) {
        journal.write(layout.journal());
        pause.at("activating");
        for (Plan.Hook hook : activate) {
          log.info("activate " + hook.pkg() + ": " + hook.command());
          hooks.run(hook);
        }
        journal = journal.at(Journal.Phase.STARTING);
      }
      if (journal.phase() == Journal.Phase.STARTING) {
        journal.write(layout.journal());
        pause.at("starting");
        for (ServiceUnit u : units(toRec, journal.started())) {
          log.info("starting " + u.name());
          manager.start(u);
        }
        for (ServiceUnit u : units(toRec, journal.reloaded())) {
          log.info("reloading " + u.name());
          manager.reload(u);
        }
        journal = journal.at(Journal.Phase.CHECKING);
      }
      journal.write(layout.journal());
      pause.at("checking");
      return check(toRec);
    } catch (RollException e) {
      return e.getMessage();
    }
  }

  /**
   * How long after the checks begin every service's process must still be running: a process
   * that dies at start can be outrun by a check that passes at once because something else (a
   * stale process, another service) answers its port.
   */
  static final Duration MIN_UPTIME = Duration.ofSeconds(1);

  /**
   * Health-checks every service of {@code rec}, each while watching that the process started for
   * it still runs, then watches them all until {@link #MIN_UPTIME} after the checks began; null
   * when all pass, else the first failure.
   */
  String check(GenerationRecord rec) {
    if (rec == null) {
      return null;
    }
    long began = System.nanoTime();
    for (ServiceUnit u : rec.services()) {
      if (u.health() != null) {
        HealthChecker.Result result = health.await(u.health(), () -> manager.running(u.name()));
        if (!result.healthy()) {
          return "health check of " + u.name() + " failed: " + result.detail() + " (its output: "
              + layout.log().resolve(u.name() + ".log") + ")";
        }
        log.info(u.name() + " healthy (" + result.detail() + ")");
      }
      if (!manager.running(u.name())) {
        return exited(u, "");
      }
    }
    while (System.nanoTime() - began < MIN_UPTIME.toNanos()) {
      for (ServiceUnit u : rec.services()) {
        if (!manager.running(u.name())) {
          return exited(u, " within " + MIN_UPTIME.toMillis() + " ms of its start, though its health check passed");
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while watching the services start";
      }
    }
    return null;
  }

  private String exited(ServiceUnit u, String when) {
    return u.name() + " is not running (" + HealthChecker.EXITED + when + "; its output: "
        + layout.log().resolve(u.name() + ".log") + ")";
  }

  /**
   * After a failure past the switch: stops what the transition started, switches back to {@code
   * from}, starts what it stopped, reloads what it reloaded, checks. Exit 3, or 4 if that fails
   * too (the journal then stays, and the next roll tries again).
   */
  Outcome rollBack(Journal journal, GenerationRecord fromRec, GenerationRecord toRec, String cause) throws RollException {
    journal = journal.at(Journal.Phase.ROLLING_BACK);
    journal.write(layout.journal());
    pause.at("rolling-back");
    try {
      List<ServiceUnit> started = units(toRec, journal.started());
      for (int i = started.size() - 1; i >= 0; i--) {
        manager.stop(started.get(i));
      }
      generations.switchTo(journal.from());
      log.warn("switched " + layout.usrLocal() + " back to generation " + journal.from());
      List<ServiceUnit> stopped = units(fromRec, journal.stopped());
      for (int i = stopped.size() - 1; i >= 0; i--) {
        log.info("starting " + stopped.get(i).name() + " (generation " + journal.from() + ")");
        manager.start(stopped.get(i));
      }
      for (ServiceUnit u : units(fromRec, journal.reloaded())) {
        if (u.reload() != null) {
          manager.reload(u);
        }
      }
      String failure = check(fromRec);
      if (failure != null) {
        return Outcome.stuck(cause + "; rolled back to generation " + journal.from() + " but it is not healthy either: "
            + failure + " (the host needs a person)", journal.from());
      }
    } catch (RollException | IOException e) {
      return Outcome.stuck(cause + "; rolling back to generation " + journal.from() + " failed: " + e.getMessage()
          + " (the host needs a person; the next roll tries again)", generations.currentOr(journal.to()));
    }
    Journal.clear(layout.journal());
    return Outcome.rolledBack(cause + "; rolled back to generation " + journal.from(), journal.from());
  }

  /** Before the switch: starts again what was stopped, drops the unfinished generation. */
  void undoStops(GenerationRecord fromRec, List<String> stopped, int dropGeneration) throws RollException {
    List<ServiceUnit> units = units(fromRec, stopped);
    for (int i = units.size() - 1; i >= 0; i--) {
      ServiceUnit u = units.get(i);
      if (!manager.running(u.name())) {
        log.info("starting " + u.name() + " again");
        manager.start(u);
      }
    }
    if (dropGeneration >= 0) {
      try {
        if (generations.currentOr(-1) != dropGeneration) {
          generations.delete(dropGeneration);
          generations.abandon(dropGeneration);
        }
      } catch (IOException e) {
        log.warn("cannot remove the unfinished generation " + dropGeneration + ": " + e.getMessage());
      }
    }
  }

  /** The units named {@code names}, as {@code rec} has them (names it lacks are skipped). */
  static List<ServiceUnit> units(GenerationRecord rec, List<String> names) {
    List<ServiceUnit> out = new ArrayList<>();
    if (rec == null) {
      return out;
    }
    for (String name : names) {
      for (ServiceUnit u : rec.services()) {
        if (u.name().equals(name)) {
          out.add(u);
        }
      }
    }
    return out;
  }
}
