package dev.roller.roll.apply;

import dev.roller.roll.RollException;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationBuilder;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.layout.HostLayout;
import dev.roller.roll.service.HealthChecker;
import dev.roller.roll.service.ServiceManager;
import dev.roller.roll.service.ServiceUnit;
import dev.roller.roll.spec.HostSpec;
import dev.roller.roll.store.LocalPackages;
import dev.roller.roll.verify.FileIndex;
import dev.roller.roll.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

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

    void ready(HostSpec.Package p);

    void done();

    Progress NONE = new Progress() {
      @Override
      public void start(int packages, long bytes) {}

      @Override
      public void ready(HostSpec.Package p) {}

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
  private Pause pause = Pause.NONE;
  private Progress progress = Progress.NONE;
  private Duration lockWait = Duration.ofMinutes(10);
  private Confirm confirm;
  private boolean retry;

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
      new Recovery(this).run();
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
    try (RollLock lock = lock("apply")) {
      return applyLocked(host, restartAll);
    } catch (RollException e) {
      return Outcome.failed(e.getMessage(), currentOr(-1));
    } catch (IOException e) {
      return Outcome.failed(String.valueOf(e.getMessage()), currentOr(-1));
    }
  }

  private Outcome applyLocked(String host, boolean restartAll) throws RollException, IOException {
    // A blank host's /usr/local is kept as generation 0 only once the roll goes ahead (after the
    // build, and the answer when asked): until then it is not touched.
    generations.removeLeftovers();
    boolean blank = blankHost();
    int from = blank ? 0 : base();
    HostSpec spec = null;
    boolean damaged = false; // the current tree does not verify: its damage may be in the shared store
    GenerationBuilder.Digest known = restartAll ? null : GenerationBuilder.Digest.read(layout.generation(from));
    if (known != null) {
      // The no-op fast path: ask with the spec digest this generation has; a 304 means nothing
      // changed, and then only the tree needs checking.
      ConfigServerClient.SpecAnswer answer = client.spec(host, known.digest());
      if (answer.spec() == null) {
        List<String> problems = quickVerify(from, known.packages());
        if (problems.isEmpty()) {
          if (answer.commit() != null && !answer.commit().equals(known.commit())) {
            GenerationRecord rec = GenerationRecord.read(layout.generation(from));
            if (rec != null) {
              reportRecord("unchanged", rec, answer.commit(), from, null);
            }
          }
          return Outcome.unchanged("nothing to do: generation " + from + " already has this spec", from);
        }
        log.warn("generation " + from + " has the spec but its tree does not verify (" + problems.get(0)
            + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "") + "): building a fresh one");
        damaged = true;
      } else {
        spec = answer.spec();
      }
    }
    GenerationRecord fromRec = GenerationRecord.read(layout.generation(from));
    if (spec == null) {
      spec = client.spec(host);
    }
    pause.at("fetched");
    String digest = GenerationRecord.digest(spec);
    FailedSpec failed = FailedSpec.read(layout.failedSpec());
    if (failed != null && failed.digest().equals(digest) && !retry) {
      return Outcome.failed("not applied: this spec (commit " + shortCommit(spec.commit()) + ") failed here at " + failed.at()
          + " and was rolled back from generation " + failed.generation() + ": " + failed.error()
          + "; roll tries it again when the spec changes, or with 'roll apply --retry' (host untouched: still on generation "
          + from + ")", from);
    }
    // A generation built before its digest file existed: compare the digest the long way.
    if (!restartAll && known == null && fromRec != null && fromRec.specDigest().equals(GenerationRecord.digest(spec))) {
      List<String> problems = verify(from, fromRec, false);
      if (problems.isEmpty()) {
        if (spec.commit() != null && !spec.commit().equals(fromRec.commit())) {
          report("unchanged", spec, from, null);
        }
        return Outcome.unchanged("nothing to do: generation " + from + " already has this spec", from);
      }
      log.warn("generation " + from + " has the spec but its tree does not verify (" + problems.get(0)
          + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "") + "): building a fresh one");
      damaged = true;
    }
    int to;
    GenerationBuilder.Built built;
    try {
      to = generations.next();
      new Journal("apply", from, to, Journal.Phase.BUILDING, List.of(), List.of(), List.of()).write(layout.journal());
      pause.at("building");
      built = buildVerified(spec, to, damaged);
    } catch (RollException | IOException e) {
      Journal.clear(layout.journal());
      String message = e.getMessage() + " (host untouched: still on generation " + from + ")";
      report("failed", spec, from, message);
      return Outcome.failed(message, from);
    }
    log.info("built generation " + to + " (" + spec.packages().size() + " packages, commit " + shortCommit(spec.commit()) + ")");
    Plan plan = Plan.between(fromRec, built.record(), restartAll, manager::running);
    if (confirm != null && !confirmed(new Preview(from, fromRec, built.record(), plan, diffs(from, fromRec, built), false,
        notes(blank, built)))) {
      generations.delete(to);
      Journal.clear(layout.journal());
      return Outcome.failed("not applied: declined (host untouched" + (blank ? ")" : ": still on generation " + from + ")"),
          blank ? -1 : from);
    }
    if (blank) {
      base();
    }
    Outcome outcome = transition("apply", from, fromRec, to, built.record(), plan);
    remember(outcome, digest, spec.commit(), to);
    // The report and gc are independent: the report goes out while gc removes old trees.
    Thread reporter = null;
    if (client != null) {
      GenerationRecord now = outcome.generation() == to ? built.record() : fromRec;
      String error = outcome.exitCode() == Outcome.OK ? null : outcome.message();
      Outcome done = outcome;
      HostSpec applied = spec;
      reporter = new Thread(() -> {
        if (now != null) {
          reportRecord(done.result(), now, applied.commit(), done.generation(), error);
        } else {
          report(done.result(), applied, done.generation(), error);
        }
      }, "roll-report");
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

  /** Records a rolled-back spec so it is not tried again; forgets it once a spec applies. */
  private void remember(Outcome outcome, String digest, String commit, int to) {
    try {
      if (outcome.exitCode() == Outcome.ROLLED_BACK) {
        new FailedSpec(digest, commit, Stamps.now(), to, outcome.message().replace('\n', ' '))
            .write(layout.failedSpec(), layout.generation(to));
      } else if (outcome.exitCode() == Outcome.OK) {
        FailedSpec.clear(layout.failedSpec());
      }
    } catch (IOException e) {
      log.warn("cannot record the outcome in " + layout.failedSpec() + ": " + e.getMessage());
    }
  }

  /** What {@code roll plan} shows: the plan from the current generation to the spec's, and rendered-file diffs. */
  public record Preview(int from, GenerationRecord fromRec, GenerationRecord toRec, Plan plan, List<String> diffs,
      boolean unchanged, List<String> notes) {}

  /**
   * What a plan must say besides the changes: on a blank host what becomes generation 0, and a
   * warning when the new generation would not hold roll itself (the host could not roll again).
   */
  private List<String> notes(boolean blank, GenerationBuilder.Built built) {
    List<String> notes = new ArrayList<>();
    if (blank) {
      notes.add(Files.isDirectory(layout.usrLocal(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
          ? "first roll on this host: its own " + layout.usrLocal() + " is kept, as it is, as generation 0 (moved "
              + "under " + layout.generations() + "; 'roll rollback --yes' goes back to it), and " + layout.usrLocal()
              + " becomes a link to generation " + built.number()
          : "first roll on this host: there is no " + layout.usrLocal() + "; an empty generation 0 is made, and "
              + layout.usrLocal() + " becomes a link to generation " + built.number());
    }
    if (!Files.exists(built.dir().resolve("bin/roll"))) {
      notes.add("warning: generation " + built.number() + " has no bin/roll: once it is applied, this host cannot "
          + "roll again until roll is installed another way (add the roll package to its hostclass)");
    }
    return notes;
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
      HostSpec spec = client.spec(host);
      if (!restartAll && fromRec != null && fromRec.specDigest().equals(GenerationRecord.digest(spec))
          && verify(from, false).isEmpty()) {
        return new Preview(from, fromRec, fromRec, Plan.between(fromRec, fromRec, false, s -> true), List.of(), true,
            List.of());
      }
      Map<HostSpec.Package, Path> trees = fetch(spec);
      int n = generations.next();
      GenerationBuilder.Built built = new GenerationBuilder(layout, generations).build(spec, trees, n, false);
      try {
        Plan plan = Plan.between(fromRec, built.record(), restartAll, manager::running);
        return new Preview(from, fromRec, built.record(), plan, diffs(from, fromRec, built), false,
            notes(from < 0, built));
      } finally {
        generations.abandon(n);
      }
    }
  }

  /** Unified diffs of the rendered files that change between {@code fromRec} and the built generation. */
  private List<String> diffs(int from, GenerationRecord fromRec, GenerationBuilder.Built built) throws IOException {
    Map<String, String> before = new java.util.TreeMap<>();
    if (fromRec != null) {
      fromRec.packages().forEach(p -> before.putAll(p.rendered()));
    }
    Map<String, String> after = new java.util.TreeMap<>();
    built.record().packages().forEach(p -> after.putAll(p.rendered()));
    java.util.Set<String> paths = new java.util.TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    List<String> out = new ArrayList<>();
    for (String path : paths) {
      if (java.util.Objects.equals(before.get(path), after.get(path))) {
        continue;
      }
      String old = before.containsKey(path) ? read(layout.generation(from).resolve(path)) : "";
      String now = after.containsKey(path) ? read(built.dir().resolve(path)) : "";
      out.add(dev.roller.repo.source.History.diffTexts(old, "generation " + from + ": " + path, now, "new: " + path));
    }
    return out;
  }

  private static String read(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file, java.nio.charset.StandardCharsets.UTF_8) : "";
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
      int from = base();
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
      Plan plan = toRec == null ? stopAll(fromRec) : Plan.between(fromRec, toRec, false, manager::running);
      Outcome outcome = transition("rollback", from, fromRec, previous, toRec, plan);
      if (client != null && toRec != null) {
        reportRecord(outcome.exitCode() == Outcome.OK ? "applied" : outcome.result(), toRec, toRec.commit(), outcome.generation(),
            outcome.exitCode() == Outcome.OK ? null : outcome.message());
      }
      return outcome;
    } catch (RollException | IOException e) {
      return Outcome.failed(e.getMessage(), currentOr(-1));
    }
  }

  /** The plan to a generation without services (generation 0): stop everything. */
  private static Plan stopAll(GenerationRecord fromRec) {
    List<ServiceUnit> stop = new ArrayList<>(fromRec == null ? List.of() : fromRec.services());
    java.util.Collections.reverse(stop);
    return new Plan(List.of("remove all packages (back to generation 0)"), stop, List.of(), List.of(), List.of(), Map.of());
  }

  /**
   * Moves from generation {@code from} to {@code to} following {@code plan}: stop (reverse order),
   * switch, activate hooks, start and reload, health checks; each step journaled first.
   */
  Outcome transition(String op, int from, GenerationRecord fromRec, int to, GenerationRecord toRec, Plan plan)
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

  /** Health-checks every service of {@code rec}; null when all pass, else the first failure. */
  String check(GenerationRecord rec) {
    if (rec == null) {
      return null;
    }
    for (ServiceUnit u : rec.services()) {
      if (u.health() != null) {
        HealthChecker.Result result = health.await(u.health());
        if (!result.healthy()) {
          return "health check of " + u.name() + " failed: " + result.detail() + " (its output: "
              + layout.log().resolve(u.name() + ".log") + ")";
        }
        log.info(u.name() + " healthy (" + result.detail() + ")");
      }
      if (!manager.running(u.name())) {
        return u.name() + " is not running (it exited; its output: " + layout.log().resolve(u.name() + ".log") + ")";
      }
    }
    return null;
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
          + " (the host needs a person; the next roll tries again)", currentOr(journal.to()));
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
        if (currentOr(-1) != dropGeneration) {
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

  /**
   * Builds generation {@code to} and checks it against its index before anything uses it: a tree
   * that does not verify is never switched to. The first time one does not, the damage is in the
   * store (a write through a hard link): the store's entries are checked, the damaged ones
   * unpacked again, and the generation built once more.
   */
  private GenerationBuilder.Built buildVerified(HostSpec spec, int to, boolean repair) throws RollException, IOException {
    for (int attempt = 0; ; attempt++) {
      Map<HostSpec.Package, Path> trees = fetch(spec, repair);
      GenerationBuilder.Built built = new GenerationBuilder(layout, generations).build(spec, trees, to);
      List<String> problems = quickVerify(to, built.record().packages().stream().map(GenerationRecord.Pkg::sha256).toList());
      if (problems.isEmpty()) {
        return built;
      }
      generations.delete(to);
      if (repair || attempt > 0) {
        throw new RollException("the new generation " + to + " does not verify (" + problems.get(0)
            + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "") + ") even after its packages were "
            + "unpacked again: check " + layout.store() + " and the disk");
      }
      log.warn("the new generation " + to + " does not verify (" + problems.get(0) + "): checking the store");
      repair = true;
    }
  }

  /** Downloads and unpacks the spec's packages. */
  private Map<HostSpec.Package, Path> fetch(HostSpec spec) throws RollException {
    return fetch(spec, false);
  }

  /** As above; with {@code repair}, damaged store entries are found and unpacked again. */
  private Map<HostSpec.Package, Path> fetch(HostSpec spec, boolean repair) throws RollException {
    LocalPackages store = new LocalPackages(layout, client);
    List<HostSpec.Package> missing = spec.packages().stream().filter(p -> !store.has(p)).toList();
    if (!missing.isEmpty()) {
      progress.start(missing.size(), missing.stream().mapToLong(HostSpec.Package::size).sum());
    }
    try {
      Map<HostSpec.Package, Path> trees = store.ensure(spec.packages(), p -> {
        if (missing.contains(p)) {
          progress.ready(p);
        }
      }, repair);
      store.repaired().forEach(log::warn);
      return trees;
    } finally {
      if (!missing.isEmpty()) {
        progress.done();
      }
    }
  }

  /**
   * Whether roll has no generation here yet (a blank host), touching nothing. A {@code /usr/local}
   * that is a link roll did not make is refused: roll will not guess what it points to.
   */
  boolean blankHost() throws RollException, IOException {
    if (generations.current().isPresent()) {
      return false;
    }
    if (Files.isSymbolicLink(layout.usrLocal())) {
      throw new RollException(layout.usrLocal() + " is a link roll did not make (to "
          + Files.readSymbolicLink(layout.usrLocal()) + "); move it aside and roll again");
    }
    if (Files.isDirectory(layout.usrLocal()) && Files.exists(layout.generation(0), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new RollException(layout.usrLocal() + " is a folder but generation 0 exists already (" + layout.generation(0)
          + "): something other than roll changed " + layout.usrLocal() + "; move one of them aside");
    }
    return true;
  }

  /**
   * The current generation, made one if there is none: a blank host's own {@code /usr/local} is
   * kept as generation 0; with no {@code /usr/local} at all an empty generation 0 is made.
   */
  int base() throws RollException, IOException {
    generations.removeLeftovers();
    blankHost();
    if (generations.adoptBlankHost()) {
      log.info("kept this host's own " + layout.usrLocal() + " as generation 0");
    }
    OptionalInt current = generations.current();
    if (current.isPresent()) {
      return current.getAsInt();
    }
    if (generations.list().contains(0)) {
      generations.switchTo(0);
    } else {
      Files.createDirectories(generations.startBuilding(0));
      generations.finishBuilding(0);
      generations.switchTo(0);
    }
    return 0;
  }

  /** The quick check of generation {@code n}'s tree, from its packages' identities (no YAML record). */
  private List<String> quickVerify(int n, List<dev.roller.pkg.Sha256> packages) throws RollException {
    Path dir = layout.generation(n);
    try {
      return Verifier.check(dir, GenerationBuilder.index(layout, dir, packages), false);
    } catch (IOException e) {
      throw new RollException("cannot verify generation " + n + ": " + e.getMessage(), e);
    }
  }

  /** {@code roll verify} of generation {@code n}: differences by path (empty when it matches). */
  public List<String> verify(int n, boolean full) throws RollException {
    Path dir = layout.generation(n);
    return verify(n, Files.isRegularFile(dir.resolve(GenerationBuilder.INDEX)) ? GenerationRecord.read(dir) : null, full);
  }

  private List<String> verify(int n, GenerationRecord rec, boolean full) throws RollException {
    Path dir = layout.generation(n);
    if (rec == null || !Files.isRegularFile(dir.resolve(GenerationBuilder.INDEX))) {
      return List.of();
    }
    try {
      return Verifier.check(dir, GenerationBuilder.index(layout, dir, rec), full);
    } catch (IOException e) {
      throw new RollException("cannot verify generation " + n + ": " + e.getMessage(), e);
    }
  }

  private void report(String result, HostSpec spec, int generation, String error) {
    if (client == null) {
      return;
    }
    Map<String, Object> doc = Reports.of(result, spec, generation, error, manager);
    String failure = client.report(spec.host(), doc);
    if (failure != null) {
      log.warn("could not report to the config server (the roll is not affected): " + failure);
    }
  }

  private void reportRecord(String result, GenerationRecord rec, String commit, int generation, String error) {
    Map<String, Object> doc = Reports.of(result, rec, generation, error, manager);
    doc.put("commit", commit);
    String failure = client.report(rec.host(), doc);
    if (failure != null) {
      log.warn("could not report to the config server (the roll is not affected): " + failure);
    }
  }

  HostLayout layout() {
    return layout;
  }

  Generations generations() {
    return generations;
  }

  public ServiceManager manager() {
    return manager;
  }

  Log log() {
    return log;
  }

  private int currentOr(int fallback) {
    try {
      return generations.current().orElse(fallback);
    } catch (IOException e) {
      return fallback;
    }
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
