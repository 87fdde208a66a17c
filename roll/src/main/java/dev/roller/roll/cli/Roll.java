package dev.roller.roll.cli;

import dev.roller.host.HostSettings;
import dev.roller.host.ServerClient;
import dev.roller.repo.model.Durations;
import dev.roller.roll.RollException;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.service.ExecServiceManager;
import dev.roller.roll.service.ServiceManager;
import dev.roller.roll.service.SystemdServiceManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
    boolean seenLockWait = false;
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
        case "--root", "--host", "--config-server", "--lock-wait", "--wait" -> {
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
            case "--lock-wait" -> {
              if (seenLockWait) {
                return null;
              }
              seenLockWait = true;
              try {
                host.lockWait = Durations.parse(value);
              } catch (IllegalArgumentException e) {
                return null;
              }
            }
            case "--wait" -> {
              if (apply.wait != null) {
                return null;
              }
              try {
                apply.wait = Durations.parse(value);
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
  private static final List<String> COMMANDS = List.of("apply", "plan", "status", "rollback", "generations", "verify", "gc", "key");

  private static Object command(String name) {
    return switch (name) {
      case "apply" -> new Commands.Apply();
      case "plan" -> new Commands.PlanCommand();
      case "status" -> new Commands.Status();
      case "rollback" -> new Commands.Rollback();
      case "generations" -> new Commands.GenerationsCommand();
      case "verify" -> new Commands.Verify();
      case "key" -> new Commands.Key();
      default -> new Commands.GcCommand();
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

    @Option(names = "--lock-wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10m",
        description = "How long to wait for another roll to finish (default: ${DEFAULT-VALUE}).")
    Duration lockWait = Duration.ofMinutes(10);
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

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class,
        description = {"First long-poll the spec for up to DURATION (the server holds the request until this host's",
            "answer changes: a new commit, its rollout wave opening), so cron every N minutes with --wait of N-1",
            "applies a change seconds after it is served. Default: wait in roll.yml, else 0 (no wait)."})
    Duration wait;
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

  /** A command body with settings, log and applier ready. */
  interface Body {
    int run(HostSettings settings, ConsoleLog log, Applier applier) throws Exception;
  }

  int withSettings(HostOptions options, boolean needServers, Body body) throws Exception {
    HostSettings settings;
    try {
      settings = HostSettings.resolve(options.root, options.servers, options.hostName, env, needServers);
    } catch (HostSettings.SettingsException e) {
      err.println("roll: error: " + e.getMessage());
      return Outcome.USAGE;
    }
    try (ConsoleLog log = new ConsoleLog(out, err, settings.layout().log().resolve("roll.log"))) {
      ConfigServerClient client = settings.servers().isEmpty() ? null
          : new ConfigServerClient(settings.servers(), ServerClient.CONNECT, ServerClient.SILENCE,
              ConfigServerClient.SPEC_DEADLINE, log::warn);
      if (client != null) {
        try {
          client.tls(settings.tls());
        } catch (IOException e) {
          log.error("ca: in " + settings.layout().config() + ": " + e.getMessage());
          return Outcome.USAGE;
        }
      }
      if (client != null && needServers) {
        HostSettings keyed = settings;
        client.signReports(memoized(() -> {
          try {
            return dev.roller.host.HostKey.loadOrCreate(keyed.layout());
          } catch (IOException e) {
            log.warn("reports go unsigned: " + e.getMessage());
            return null;
          }
        }));
      }
      if (client != null && !settings.trust().isEmpty()) {
        client.trust(dev.roller.host.Trust.of(settings, settings.layout()::lastIssued));
      } else if (client != null && needServers) {
        log.info("answers from the config server are not verified (no trust: in " + settings.layout().config() + ")");
      }
      Applier applier = new Applier(settings.layout(), client, manager(settings), log)
          .lockWait(options.lockWait)
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

  /** {@code s}, asked once, the first time it is needed. */
  private static <T> java.util.function.Supplier<T> memoized(java.util.function.Supplier<T> s) {
    return new java.util.function.Supplier<>() {
      private boolean asked;
      private T value;

      @Override
      public synchronized T get() {
        if (!asked) {
          value = s.get();
          asked = true;
        }
        return value;
      }
    };
  }

  int doApply(HostOptions options, ApplyOptions apply) {
    try {
      return withSettings(options, true, (settings, log, applier) -> {
        if (!apply.yes && System.console() != null) {
          applier.confirm(preview -> {
            views().plan(preview);
            out.print("apply generation " + preview.toRec().generation() + "? [y/N] ");
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
          });
        }
        Duration wait = apply.wait != null ? apply.wait : settings.longPoll();
        return end(applier.retry(apply.retry).longPoll(wait).apply(settings.host(), apply.restartAll), log);
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

  Views views() {
    return new Views(out);
  }

  ServiceManager manager(HostSettings settings) {
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


}
