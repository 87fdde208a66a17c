package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.Plan;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.repo.spec.Spec;
import dev.roller.roll.RollException;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationBuilder;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.HealthChecker;
import dev.roller.roll.service.ServiceManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code roll apply} and {@code roll rollback}: moves the host from its current generation to
 * another, one journaled step at a time (DESIGN §5). Before the switch any failure puts back what
 * was stopped and leaves the host as it was (exit 1); after it, a failed activate hook, start or
 * health check switches back and restarts the previous generation (exit 3), and if even that
 * fails the journal stays for the next roll and the exit is 4.
 */
public final class Applier {
  /** Generations kept besides the current one, generation 0 and any a running service uses. */
  public static final int KEEP = 5;

  /** Where a test may stop roll (then kill it) to check that the next roll recovers: see {@link Pause}. */
  public interface Pause {
    void at(String point);

    Pause NONE = point -> {};
  }

  /** Hears each package as it becomes ready, and the totals first. */
  public interface Progress {
    void start(int packages, long bytes);

    void ready(Spec.Package p);

    void done();

    Progress NONE = new Progress() {
      @Override
      public void start(int packages, long bytes) {}

      @Override
      public void ready(Spec.Package p) {}

      @Override
      public void done() {}
    };
  }

  private final HostLayout layout;
  private final ConfigServerClient client;
  private final ServiceManager manager;
  private final Log log;
  private final Generations generations;
  private final HealthChecker health;
  private final Hooks hooks;
  private final Reports.Sender reports;
  private Pause pause = Pause.NONE;
  private Progress progress = Progress.NONE;
  private Duration lockWait = Duration.ofMinutes(10);
  private Confirm confirm;
  private boolean retry;
  private Duration longPoll = Duration.ZERO;

  /** Asked, with the plan, before a change is applied (roll apply on a terminal without --yes). */
  public interface Confirm {
    boolean ok(Preview preview) throws Exception;
  }

  public Applier(HostLayout layout, ConfigServerClient client, ServiceManager manager, Log log) {
    this.layout = layout;
    this.client = client;
    this.manager = manager;
    this.log = log;
    this.generations = new Generations(layout);
    this.health = new HealthChecker(layout);
    this.hooks = new Hooks(layout);
    this.reports = new Reports.Sender(client, manager, log);
  }

  public Applier pause(Pause pause) {
    this.pause = pause;
    return this;
  }

  public Applier progress(Progress progress) {
    this.progress = progress;
    return this;
  }

  public Applier confirm(Confirm confirm) {
    this.confirm = confirm;
    return this;
  }

  /** {@code apply --retry}: apply the spec even if it failed here before. */
  public Applier retry(boolean retry) {
    this.retry = retry;
    return this;
  }

  /** {@code apply --wait}: long-poll the spec for up to {@code wait} before applying. */
  public Applier longPoll(Duration wait) {
    this.longPoll = wait;
    return this;
  }

  public Applier lockWait(Duration wait) {
    this.lockWait = wait;
    return this;
  }

  /** Takes the lock, and finishes or undoes what a killed roll left (the journal). */
  public RollLock lock(String what) throws RollException {
    RollLock lock = RollLock.acquire(layout.lock(), what, lockWait, log::warn);
    boolean ok = false;
    try {
      if (what.equals("plan")) {
        if (Journal.read(layout.journal()) != null) {
          log.warn("an interrupted roll left a journal; the next apply finishes or undoes it first");
        }
        ok = true;
        return lock;
      }
      new Recovery(transition(), layout, generations, log).run();
      ok = true;
      return lock;
    } finally {
      if (!ok) {
        closeQuietly(lock);
      }
    }
  }

  /** {@code roll apply}: makes the host what its spec says. */
  public Outcome apply(String host, boolean restartAll) {
    if (client != null && !longPoll.isZero() && !restartAll) {
      watch().await(host, longPoll);
    }
    try (RollLock lock = lock("apply")) {
      return applyLocked(host, restartAll);
    } catch (RollException e) {
      return Outcome.failed(e.getMessage(), generations.currentOr(-1));
    } catch (IOException e) {
      return Outcome.failed(String.valueOf(e.getMessage()), generations.currentOr(-1));
    }
  }

  private Outcome applyLocked(String host, boolean restartAll) throws RollException, IOException {
    // A blank host's /usr/local is kept as generation 0 only once the roll goes ahead (after the
    // build, and the answer when asked): until then it is not touched.
    generations.removeLeftovers();
    boolean blank = generations.blank();
    int from = blank ? 0 : generations.base(log::info);
    // Ask with the spec digest this generation has (when it has a digest file): a 304 means the
    // spec did not change, and then only the tree needs checking, no YAML parsed.
    GenerationBuilder.Digest known = restartAll || blank ? null : GenerationBuilder.Digest.read(layout.generation(from));
    ConfigServerClient.SpecAnswer answer = client.spec(host, known != null ? known.digest() : null, Duration.ZERO, retry);
    watch().said(answer.rollout());
    Spec spec = answer.spec();
    java.time.Instant issued = answer.issued();
    String commit = answer.commit() != null || spec == null ? answer.commit() : spec.commit();
    GenerationRecord fromRec = spec == null ? null : GenerationRecord.read(layout.generation(from));
    boolean damaged = false; // the current tree does not verify: its damage may be in the shared store
    // The one no-op check: the generation has this spec (by the server's 304, or by its record's
    // digest when the server sent the spec: a generation without a digest file, or one whose digest
    // file is older than the digest) and its tree verifies.
    boolean notModified = spec == null;
    boolean sameSpec = !restartAll && !blank
        && (notModified || (fromRec != null && fromRec.spec().digest().equals(spec.digest())));
    if (sameSpec) {
      List<String> problems = notModified ? builds().quickVerify(from, known.packages()) : builds().verify(from, fromRec, false);
      if (problems.isEmpty()) {
        String had = notModified ? known.commit() : fromRec.spec().commit();
        // Reported when the commit moved on, and when the server's rollout does not count this
        // host done on this spec ("target (wave ...)": its last report was lost), so a lost
        // report never holds a rollout back.
        boolean unknownToServer = answer.rollout() != null && answer.rollout().startsWith("target (");
        if (commit != null && (!commit.equals(had) || unknownToServer)) {
          GenerationRecord rec = fromRec != null ? fromRec : GenerationRecord.read(layout.generation(from));
          if (rec != null) {
            Spec same = rec.spec().withCommit(commit);
            reports.send("unchanged", same, rec.withSpec(same), from, null);
          }
        }
        String rollout = answer.rollout();
        return Outcome.unchanged("nothing to do: generation " + from + " already has this spec"
            + (rollout != null && rollout.startsWith("held (") ? " (" + rollout + " by the config server)" : ""), from);
      }
      log.warn("generation " + from + " has the spec but its tree does not verify (" + problems.get(0)
          + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "") + "): building a fresh one");
      damaged = true;
    }
    if (spec == null) {
      ConfigServerClient.SpecAnswer full = client.spec(host, null, Duration.ZERO, retry);
      spec = full.spec();
      issued = full.issued();
      fromRec = GenerationRecord.read(layout.generation(from));
    }
    pause.at("fetched");
    String digest = spec.digest();
    FailedSpec failed = FailedSpec.read(layout.failedSpec());
    if (failed != null && failed.digest().equals(digest) && !retry) {
      // The server would have held this host had it known: its report of the failure was lost.
      reports.send("rolled-back", spec, blank ? null : fromRec, from, failed.error());
      return Outcome.failed("not applied: this spec (commit " + shortCommit(spec.commit()) + ") failed here at " + failed.at()
          + " and was rolled back from generation " + failed.generation() + ": " + failed.error()
          + "; roll tries it again when the spec changes, or with 'roll apply --retry' (host untouched: still on generation "
          + from + ")", from);
    }
    int to;
    GenerationBuilder.Built built;
    try {
      to = generations.next();
      new Journal("apply", from, to, Journal.Phase.BUILDING, List.of(), List.of(), List.of()).write(layout.journal());
      pause.at("building");
      built = builds().buildVerified(spec, to, damaged);
    } catch (RollException | IOException e) {
      Journal.clear(layout.journal());
      String message = e.getMessage() + " (host untouched: still on generation " + from + ")";
      if (e instanceof dev.roller.roll.Unavailable) {
        // Not this spec's fault: reported as a failure it would hold the host on its old spec.
        log.warn("not reported as a failure of this spec: the config servers could not deliver it; the next roll tries again");
      } else {
        reports.send("failed", spec, blank ? null : fromRec, from, message);
      }
      return Outcome.failed(message, from);
    }
    log.info("built generation " + to + " (" + spec.packages().size() + " packages, commit " + shortCommit(spec.commit()) + ")");
    Plan plan = GenerationRecord.plan(fromRec, built.record(), restartAll, manager::running);
    if (confirm != null && !confirmed(Preview.of(layout, from, fromRec, built, plan, blank))) {
      generations.delete(to);
      Journal.clear(layout.journal());
      return Outcome.failed("not applied: declined (host untouched" + (blank ? ")" : ": still on generation " + from + ")"),
          blank ? -1 : from);
    }
    if (blank) {
      generations.base(log::info);
    }
    Outcome outcome = transition().run("apply", from, fromRec, to, built.record(), plan);
    remember(outcome, digest, spec.commit(), to, issued);
    // The report and gc are independent: the report goes out while gc removes old trees.
    Thread reporter = null;
    if (client != null) {
      GenerationRecord now = outcome.generation() == to ? built.record() : fromRec;
      String error = outcome.exitCode() == Outcome.OK ? null : outcome.message();
      Outcome done = outcome;
      Spec applied = spec;
      // Exit 4 (could not roll back): what runs is not known.
      GenerationRecord running = outcome.exitCode() == Outcome.OK || outcome.exitCode() == Outcome.ROLLED_BACK ? now : null;
      reporter = new Thread(() -> reports.send(done.result(), applied, running, done.generation(), error), "roll-report");
      reporter.start();
    }
    if (outcome.exitCode() == Outcome.OK) {
      try {
        new Gc(layout, generations, manager, log).run(KEEP);
      } catch (IOException | RollException e) {
        log.warn("gc after the roll failed (the roll itself succeeded): " + e.getMessage());
      }
    }
    if (reporter != null) {
      try {
        reporter.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return outcome;
  }

  /**
   * Records a rolled-back spec so it is not tried again, and forgets it once a spec applies; and
   * when the spec applied was issued (with trust: in roll.yml, one issued earlier is a replay).
   */
  private void remember(Outcome outcome, String digest, String commit, int to, java.time.Instant issued) {
    try {
      if (outcome.exitCode() == Outcome.ROLLED_BACK) {
        new FailedSpec(digest, commit, Stamps.now(), to, outcome.message().replace('\n', ' '))
            .write(layout.failedSpec(), layout.generation(to));
      } else if (outcome.exitCode() == Outcome.OK) {
        FailedSpec.clear(layout.failedSpec());
        if (issued != null) {
          dev.roller.host.AtomicFile.write(layout.issued(), issued + "\n");
        }
      }
    } catch (IOException e) {
      log.warn("cannot record the outcome in " + layout.failedSpec() + " and " + layout.issued() + ": " + e.getMessage());
    }
  }

  /**
   * {@code roll plan}: what apply would do now. Packages are fetched into the cache and store (so
   * the apply that follows is quick) and the new tree is built aside and dropped; {@code
   * /usr/local}, the generations and the services are not touched.
   */
  public Preview preview(String host, boolean restartAll) throws RollException, IOException {
    try (RollLock lock = lock("plan")) {
      int from = generations.current().orElse(-1);
      GenerationRecord fromRec = from < 0 ? null : GenerationRecord.read(layout.generation(from));
      Spec spec = client.spec(host);
      if (!restartAll && fromRec != null && fromRec.spec().digest().equals(spec.digest())
          && builds().verify(from, false).isEmpty()) {
        return Preview.unchanged(from, fromRec);
      }
      Map<Spec.Package, Path> trees = builds().fetch(spec);
      int n = generations.next();
      GenerationBuilder.Built built = new GenerationBuilder(layout, generations).build(spec, trees, n, false);
      try {
        Plan plan = GenerationRecord.plan(fromRec, built.record(), restartAll, manager::running);
        return Preview.of(layout, from, fromRec, built, plan, from < 0);
      } finally {
        generations.abandon(n);
      }
    }
  }

  private boolean confirmed(Preview preview) throws RollException {
    try {
      return confirm.ok(preview);
    } catch (Exception e) {
      throw new RollException("cannot ask whether to apply: " + e.getMessage(), e);
    }
  }

  /** {@code roll rollback}: back to the generation before the current one, services restarted and checked. */
  public Outcome rollback() {
    return rollback(false);
  }

  /**
   * As above; the generation before may be generation 0 (the host's own tree from before roll,
   * which may not hold roll itself): that needs {@code toZero}, else exit 2 saying why.
   */
  public Outcome rollback(boolean toZero) {
    try (RollLock lock = lock("rollback")) {
      int from = generations.base(log::info);
      List<Integer> all = generations.list();
      int previous = -1;
      for (int n : all) {
        if (n < from) {
          previous = n;
        }
      }
      if (previous < 0) {
        return Outcome.failed("no generation before " + from + " to roll back to (roll generations lists them)", from);
      }
      if (previous == 0 && !toZero) {
        return new Outcome(Outcome.USAGE, "failed", "not rolled back: the generation before " + from + " is generation 0, "
            + "this host's own " + layout.usrLocal() + " from before roll (no services, and maybe no roll); "
            + "run 'roll rollback --yes' if that is what you want", from);
      }
      GenerationRecord fromRec = GenerationRecord.read(layout.generation(from));
      GenerationRecord toRec = GenerationRecord.read(layout.generation(previous));
      Plan plan = toRec == null ? stopAll(fromRec) : GenerationRecord.plan(fromRec, toRec, false, manager::running);
      Outcome outcome = transition().run("rollback", from, fromRec, previous, toRec, plan);
      if (client != null && toRec != null) {
        boolean ok = outcome.exitCode() == Outcome.OK;
        reports.send(ok ? "applied" : outcome.result(), toRec.spec(), ok ? toRec : null, outcome.generation(),
            ok ? null : outcome.message());
      }
      return outcome;
    } catch (RollException | IOException e) {
      return Outcome.failed(e.getMessage(), generations.currentOr(-1));
    }
  }

  /** The plan to a generation without services (generation 0): stop everything. */
  private static Plan stopAll(GenerationRecord fromRec) {
    List<ServiceUnit> stop = new ArrayList<>(fromRec == null ? List.of() : fromRec.services());
    java.util.Collections.reverse(stop);
    return new Plan(List.of("remove all packages (back to generation 0)"), stop, List.of(), List.of(), List.of(), Map.of());
  }

  /** {@code roll verify} of generation {@code n}: differences by path (empty when it matches). */
  public List<String> verify(int n, boolean full) throws RollException {
    return builds().verify(n, full);
  }

  /** Fetching, building and verifying generations, with this roll's collaborators. */
  private Builds builds() {
    return new Builds(layout, generations, client, progress, log);
  }

  /** What the server says of this host's rollout, with this roll's collaborators. */
  private RolloutWatch watch() {
    return new RolloutWatch(layout, generations, client, log);
  }

  /** The moves between generations, with this roll's collaborators. */
  private Transition transition() {
    return new Transition(layout, generations, manager, health, hooks, log, pause);
  }

  public ServiceManager manager() {
    return manager;
  }



  private static String shortCommit(String commit) {
    return commit == null ? "unknown" : commit.substring(0, Math.min(12, commit.length()));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // releasing a lock we could not use
    }
  }
}
