package dev.roller.roll.cli;

import dev.roller.pkg.manifest.Durations;
import dev.roller.roll.RollException;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Gc;
import dev.roller.roll.apply.Journal;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.apply.Plan;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.layout.HostLayout;
import dev.roller.roll.service.ExecServiceManager;
import dev.roller.roll.service.HealthChecker;
import dev.roller.roll.service.ServiceManager;
import dev.roller.roll.service.ServiceUnit;
import dev.roller.roll.service.SystemdServiceManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code roll}: builds this host's /usr/local from its spec, switches to it atomically, checks its services. */
@Command(
    name = "roll",
    mixinStandardHelpOptions = true,
    version = "roll 0.1.0",
    description = {
        "Builds this host's /usr/local from its spec on the config server, switches to it atomically,",
        "restarts and health-checks the services that changed, and rolls back if they fail.",
        "With no command, 'roll' is 'roll apply'."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:applied, or nothing to do",
        "1:failed before the switch; the host is untouched",
        "2:usage or configuration error",
        "3:rolled back after a failed health check",
        "4:failed and could not roll back (the host needs a person)"})
public final class Roll implements Callable<Integer> {
  /** Test-only: stop at a named point of a roll (then the test kills roll), see {@link Applier.Pause}. */
  static final String PAUSE_ENV = "ROLLER_TEST_PAUSE_AT";

  @Mixin HostOptions host;
  @Mixin ApplyOptions apply;

  final PrintWriter out;
  final PrintWriter err;
  final Map<String, String> env;

  Roll(PrintWriter out, PrintWriter err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(), args));
  }

  public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    Roll roll = new Roll(out, err, env);
    Object[] plain = plainApply(args);
    if (plain != null) {
      return roll.doApply((HostOptions) plain[0], (ApplyOptions) plain[1]);
    }
    CommandLine cli = new CommandLine(roll).setOut(out).setErr(err);
    // picocli builds a command's model by reflection, which is most of a no-op roll's time: only
    // the command asked for is built (all of them for help, which lists them).
    String asked = null;
    for (String arg : args) {
      if (COMMANDS.contains(arg)) {
        asked = arg;
        break;
      }
    }
    boolean help = List.of(args).contains("-h") || List.of(args).contains("--help");
    for (String name : COMMANDS) {
      if (name.equals(asked) || (asked == null && help)) {
        cli.addSubcommand(name, command(name));
      }
    }
    cli.setParameterExceptionHandler((e, arguments) -> {
      err.println("roll: error: " + e.getMessage());
      err.println("Try 'roll --help' for the commands and their options.");
      return Outcome.USAGE;
    });
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("roll: error: " + e.getMessage());
      return Outcome.FAILED_UNTOUCHED;
    });
    return cli.execute(args);
  }

  /**
   * The options of a plain {@code roll [apply]}, the command cron runs every few minutes, read
   * without picocli; null for anything else (help, another command, a mistake), which picocli
   * reads and explains. picocli builds its model by reflection from classes compiled for Java 5,
   * which the class-data archive cannot hold: that is most of a no-op roll's time. The two
   * readings are kept equal by a test.
   */
  static Object[] plainApply(String... args) {
    HostOptions host = new HostOptions();
    ApplyOptions apply = new ApplyOptions();
    boolean seenRoot = false;
    boolean seenHost = false;
    boolean seenWait = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      if (eq > 0 && arg.startsWith("--")) {
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "apply" -> {
          if (i != 0) {
            return null;
          }
        }
        case "--restart-all", "--yes", "--retry" -> {
          boolean seen = switch (name) {
            case "--yes" -> apply.yes;
            case "--retry" -> apply.retry;
            default -> apply.restartAll;
          };
          if (value != null || seen) {
            return null;
          }
          switch (name) {
            case "--yes" -> apply.yes = true;
            case "--retry" -> apply.retry = true;
            default -> apply.restartAll = true;
          }
        }
        case "--root", "--host", "--config-server", "--wait" -> {
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
              return null;
            }
            value = args[++i];
          }
          switch (name) {
            case "--root" -> {
              if (seenRoot) {
                return null;
              }
              seenRoot = true;
              host.root = Path.of(value);
            }
            case "--host" -> {
              if (seenHost) {
                return null;
              }
              seenHost = true;
              host.hostName = value;
            }
            case "--wait" -> {
              if (seenWait) {
                return null;
              }
              seenWait = true;
              try {
                host.wait = Durations.parse(value);
              } catch (IllegalArgumentException e) {
                return null;
              }
            }
            default -> host.servers.add(value);
          }
        }
        default -> {
          return null;
        }
      }
    }
    return new Object[] {host, apply};
  }

  /** The subcommands, in the order help lists them. */
  private static final List<String> COMMANDS = List.of("apply", "plan", "status", "rollback", "generations", "verify", "gc");

  private static Object command(String name) {
    return switch (name) {
      case "apply" -> new Apply();
      case "plan" -> new PlanCommand();
      case "status" -> new Status();
      case "rollback" -> new Rollback();
      case "generations" -> new GenerationsCommand();
      case "verify" -> new Verify();
      default -> new GcCommand();
    };
  }

  @Override
  public Integer call() {
    return doApply(host, apply);
  }

  /** Options every command shares. */
  static final class HostOptions {
    @Option(names = "--root", paramLabel = "DIR", description = "Puts every path roll uses under DIR (a scratch host). Default: /.")
    Path root = Path.of("/");

    @Option(names = "--config-server", paramLabel = "URL",
        description = "A config server (repeat for failover). Default: $ROLLER_CONFIG_SERVER, then config_servers in /etc/roller/roll.yml.")
    List<String> servers = new ArrayList<>();

    @Option(names = "--host", paramLabel = "FQDN", description = "This host's name in the repo. Default: host in roll.yml, then the machine's FQDN.")
    String hostName;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10m",
        description = "How long to wait for another roll to finish (default: ${DEFAULT-VALUE}).")
    Duration wait = Duration.ofMinutes(10);
  }

  /** Options of apply (and of plain 'roll'). */
  static final class ApplyOptions {
    @Option(names = "--restart-all", description = "Restart every service, changed or not.")
    boolean restartAll;

    @Option(names = "--yes", description = "Do not ask before applying (roll asks only on a terminal).")
    boolean yes;

    @Option(names = "--retry", description = "Apply the spec even if it failed here and was rolled back (roll does not "
        + "try a failed spec again until it changes).")
    boolean retry;
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Make this host what its spec says (the default command).")
  static final class Apply implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;
    @Mixin ApplyOptions apply;

    @Override
    public Integer call() {
      return roll.doApply(host, apply);
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = {"Show what apply would change: packages, rendered files (as diffs), services to restart or reload.",
          "Changes nothing on the host (packages may be fetched into roll's cache)."})
  static final class PlanCommand implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Option(names = "--restart-all", description = "Plan as apply --restart-all would.")
    boolean restartAll;

    @Override
    public Integer call() throws Exception {
      return roll.withSettings(host, true, (settings, log, applier) -> {
        Applier.Preview preview = applier.preview(settings.host(), restartAll);
        if (preview.unchanged()) {
          roll.out.println("nothing to do: generation " + preview.from() + " already has this spec and verifies");
          return Outcome.OK;
        }
        roll.printPlan(preview);
        return Outcome.OK;
      });
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show the current generation, its commit, packages and services with their health.")
  static final class Status implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Override
    public Integer call() throws Exception {
      return roll.withSettings(host, false, (settings, log, applier) -> roll.status(settings));
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Switch back to the generation before the current one; its services restarted and checked.")
  static final class Rollback implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Option(names = "--yes", description = "Needed to roll back to generation 0: the host's own /usr/local from "
        + "before roll, which may not even hold roll.")
    boolean yes;

    @Override
    public Integer call() throws Exception {
      return roll.withSettings(host, false, (settings, log, applier) -> roll.end(applier.rollback(yes), log));
    }
  }

  @Command(name = "generations", mixinStandardHelpOptions = true, description = "List this host's generations.")
  static final class GenerationsCommand implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Override
    public Integer call() throws Exception {
      return roll.withSettings(host, false, (settings, log, applier) -> roll.generations(settings.layout()));
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check the live tree against the hashes recorded when its generation was built.",
          "Every difference is printed by path; exit 1 if there is any."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Option(names = "--generation", paramLabel = "N", description = "Verify generation N (default: the current one).")
    Integer generation;

    @Option(names = "--quick", description = "Compare sizes and times, hashing only files that differ (what apply does).")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      return roll.withSettings(host, false, (settings, log, applier) -> {
        Generations generations = new Generations(settings.layout());
        int n = generation != null ? generation : generations.current().orElse(-1);
        if (n < 0 || !generations.list().contains(n)) {
          log.error(n < 0 ? "no current generation: roll has not built one on this host" : "no generation " + n);
          return Outcome.USAGE;
        }
        if (!Files.isRegularFile(settings.layout().generation(n).resolve(dev.roller.roll.generation.GenerationBuilder.INDEX))) {
          roll.out.println("generation " + n + " is this host's own tree from before roll: nothing recorded to verify");
          return Outcome.OK;
        }
        List<String> problems = applier.verify(n, !quick);
        problems.forEach(roll.out::println);
        if (problems.isEmpty()) {
          roll.out.println("generation " + n + " verifies: every file is as roll built it");
          return Outcome.OK;
        }
        roll.err.println("roll: generation " + n + " does not verify: " + problems.size() + " difference"
            + (problems.size() == 1 ? "" : "s") + " (a fresh 'roll apply' rebuilds it)");
        return 1;
      });
    }
  }

  @Command(name = "gc", mixinStandardHelpOptions = true,
      description = {"Remove old generations and the store entries no kept generation uses.",
          "Keeps the newest N, the current one, generation 0 and any a running service works in."})
  static final class GcCommand implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Option(names = "--keep", paramLabel = "N", description = "Generations to keep (default: ${DEFAULT-VALUE}).")
    int keep = Applier.KEEP;

    @Override
    public Integer call() throws Exception {
      if (keep < 1) {
        roll.err.println("roll: error: --keep must be at least 1");
        return Outcome.USAGE;
      }
      return roll.withSettings(host, false, (settings, log, applier) -> {
        try (var lock = applier.lock("gc")) {
          Gc.Result result = new Gc(settings.layout(), new Generations(settings.layout()), applier.manager(), log).run(keep);
          if (result.generations().isEmpty() && result.storeEntries() == 0) {
            roll.out.println("gc: nothing to remove"); // what it removed, Gc has logged (once)
          }
        }
        return Outcome.OK;
      });
    }
  }

  /** A command body with settings, log and applier ready. */
  interface Body {
    int run(Settings settings, ConsoleLog log, Applier applier) throws Exception;
  }

  int withSettings(HostOptions options, boolean needServers, Body body) throws Exception {
    Settings settings;
    try {
      settings = Settings.resolve(options.root, options.servers, options.hostName, env, needServers);
    } catch (Settings.SettingsException e) {
      err.println("roll: error: " + e.getMessage());
      return Outcome.USAGE;
    }
    try (ConsoleLog log = new ConsoleLog(out, err, settings.layout().log().resolve("roll.log"))) {
      ConfigServerClient client = settings.servers().isEmpty() ? null
          : new ConfigServerClient(settings.servers(), Duration.ofSeconds(5), Duration.ofSeconds(60),
              ConfigServerClient.SPEC_DEADLINE, log::warn);
      Applier applier = new Applier(settings.layout(), client, manager(settings), log)
          .lockWait(options.wait)
          .pause(pause())
          .progress(new ProgressBar(err, System.console() != null));
      try {
        return body.run(settings, log, applier);
      } catch (RollException e) {
        log.error(e.getMessage());
        return Outcome.FAILED_UNTOUCHED;
      }
    }
  }

  int doApply(HostOptions options, ApplyOptions apply) {
    try {
      return withSettings(options, true, (settings, log, applier) -> {
        if (!apply.yes && System.console() != null) {
          applier.confirm(preview -> {
            printPlan(preview);
            out.print("apply generation " + preview.toRec().generation() + "? [y/N] ");
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
          });
        }
        return end(applier.retry(apply.retry).apply(settings.host(), apply.restartAll), log);
      });
    } catch (Exception e) {
      err.println("roll: error: " + e.getMessage());
      return Outcome.FAILED_UNTOUCHED;
    }
  }

  int end(Outcome outcome, ConsoleLog log) {
    if (outcome.exitCode() == Outcome.OK) {
      log.info(outcome.message());
    } else {
      log.error(outcome.message());
    }
    return outcome.exitCode();
  }

  void printPlan(Applier.Preview preview) {
    Plan plan = preview.plan();
    out.println("plan: generation " + (preview.from() < 0 ? "(none)" : preview.from()) + " -> a new generation, commit "
        + (preview.toRec().commit() == null ? "unknown" : preview.toRec().commit()));
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

  int status(Settings settings) throws Exception {
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
    out.println("host: " + (rec == null ? settings.host() : rec.host()));
    out.println("generation: " + current.getAsInt());
    dev.roller.roll.apply.FailedSpec failed = dev.roller.roll.apply.FailedSpec.read(layout.failedSpec());
    if (failed != null) {
      out.println("last attempt: failed at " + failed.at() + ", commit " + failed.commit() + ", generation "
          + failed.generation() + " rolled back: " + failed.error());
      out.println("  (not tried again until the spec changes, or 'roll apply --retry')");
    }
    if (rec == null) {
      out.println("  (this host's own /usr/local from before roll)");
      return Outcome.OK;
    }
    out.println("hostclass: " + rec.hostclass());
    out.println("datacenter: " + rec.datacenter());
    out.println("commit: " + rec.commit());
    out.println("built: " + rec.builtAt());
    out.println("packages:");
    rec.packages().forEach(p -> out.println("  " + p.ref().name() + ": " + p.ref().version()));
    out.println("services:" + (rec.services().isEmpty() ? " none" : ""));
    ServiceManager manager = manager(settings);
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
        String rolledBack = dev.roller.roll.apply.FailedSpec.rolledBack(layout.generation(n));
        out.println(mark + n + "  " + rec.builtAt() + "  commit " + (rec.commit() == null ? "unknown" : rec.commit().substring(0, 12))
            + "  " + String.join(" ", rec.packages().stream().map(p -> p.ref().toString()).toList())
            + (rolledBack == null ? "" : "  ROLLED BACK " + rolledBack));
      }
    }
    return Outcome.OK;
  }

  private ServiceManager manager(Settings settings) {
    return settings.manager().equals("systemd")
        ? new SystemdServiceManager(settings.layout(), env.getOrDefault("ROLLER_SYSTEMCTL", "systemctl"))
        : new ExecServiceManager(settings.layout());
  }

  private Applier.Pause pause() {
    String at = env.get(PAUSE_ENV);
    if (at == null || at.isEmpty()) {
      return Applier.Pause.NONE;
    }
    return point -> {
      if (point.equals(at)) {
        err.println("roll: paused at " + point + " (" + PAUSE_ENV + ")");
        err.flush();
        try {
          Thread.sleep(Duration.ofMinutes(10).toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(99);
      }
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
