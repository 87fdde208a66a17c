package dev.roller.foreman.cli;

import dev.roller.foreman.sync.Account;
import dev.roller.foreman.sync.Sync;
import dev.roller.foreman.sync.UsersClient;
import dev.roller.host.HostSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code foreman}: keeps this host's users, ssh keys, sudo rights and dotfiles true to the config repo. */
@Command(
    name = "foreman",
    mixinStandardHelpOptions = true,
    version = "foreman 0.1.0",
    description = "Keeps this host's users, ssh keys, sudo rights and dotfiles true to the config repo.",
    subcommands = {Foreman.SyncCommand.class, Foreman.InstallCron.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:in sync (or brought in sync)", "1:an account or file could not be synced (the others were)",
        "2:usage or configuration error"})
public final class Foreman implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  final Map<String, String> env;

  Foreman(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv(), args));
  }

  public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new Foreman(env)).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("foreman: error: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: see 'foreman --help'");
  }

  @Command(name = "install-cron", mixinStandardHelpOptions = true,
      description = {"Write /etc/cron.d/roller-foreman, which runs 'foreman sync' every --every.",
          "Its minute is derived from the host name, so a fleet does not hit the config server at once.",
          "The foreman package runs it as its activate hook."})
  static final class InstallCron implements Callable<Integer> {
    @CommandLine.ParentCommand Foreman foreman;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--every", paramLabel = "DURATION",
        description = "How often: minutes dividing an hour (1m..60m) or hours dividing a day (1h..24h). Default: ${DEFAULT-VALUE}.")
    String every = "10m";

    @Option(names = "--root", paramLabel = "DIR", description = "Write under DIR (default: $ROLLER_ROOT when roll runs the hook, else /).")
    Path root;

    @Option(names = "--host", paramLabel = "FQDN", description = "The name the splay is derived from. Default: host in roll.yml, then the machine's FQDN.")
    String host;

    @Override
    public Integer call() throws Exception {
      Path where = root != null ? root
          : foreman.env.get("ROLLER_ROOT") != null ? Path.of(foreman.env.get("ROLLER_ROOT")) : Path.of("/");
      String name;
      try {
        name = HostSettings.resolve(where, null, host, foreman.env, false).host();
      } catch (HostSettings.SettingsException e) {
        spec.commandLine().getErr().println("foreman: error: " + e.getMessage());
        return 2;
      }
      String text;
      try {
        text = CronEntry.text(name, every);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("foreman: error: " + e.getMessage());
        return 2;
      }
      Path file = where.resolve(CronEntry.PATH);
      if (Files.isRegularFile(file) && Files.readString(file).equals(text)) {
        spec.commandLine().getOut().println(CronEntry.PATH + " is up to date");
        return 0;
      }
      CronEntry.write(file, text, where.toAbsolutePath().normalize().equals(Path.of("/")));
      spec.commandLine().getOut().println("wrote " + CronEntry.PATH + ": " + text.lines().reduce((a, b) -> b).orElse(""));
      return 0;
    }
  }

  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Make this host's accounts match the config repo (GET /hosts/{fqdn}/users).",
          "Groups, accounts, authorized_keys, dotfiles and /etc/sudoers.d/roller-foreman; only accounts",
          "foreman created are changed."})
  static final class SyncCommand implements Callable<Integer> {
    @CommandLine.ParentCommand Foreman foreman;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config-server", paramLabel = "URL",
        description = "A config server (repeat for failover). Default: $ROLLER_CONFIG_SERVER, then config_servers in /etc/roller/roll.yml.")
    List<String> servers = new ArrayList<>();

    @Option(names = "--host", paramLabel = "FQDN", description = "This host's name. Default: host in roll.yml, then the machine's FQDN.")
    String host;

    @Option(names = "--root", paramLabel = "DIR", description = "Work on the accounts of the tree at DIR (default: /).")
    Path root = Path.of("/");

    @Option(names = "--dry-run", description = "Print the changes a sync would make; change nothing.")
    boolean dryRun;

    @Option(names = "--remove", description = "Delete (userdel -r) accounts gone from the repo instead of locking them.")
    boolean remove;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      HostSettings settings;
      try {
        settings = HostSettings.resolve(root, servers, host, foreman.env, true);
      } catch (HostSettings.SettingsException e) {
        err.println("foreman: error: " + e.getMessage());
        return 2;
      }
      String name = settings.host();
      dev.roller.host.Trust trust = dev.roller.host.Trust.of(settings, settings.layout()::lastUsersIssued);
      if (trust == null) {
        err.println("foreman: answers from the config server are not verified (no trust: in " + settings.layout().config() + ")");
      }
      UsersClient.Answer answer;
      try {
        answer = new UsersClient(settings.servers(), line -> err.println("foreman: warning: " + line), trust)
            .tls(settings.tls()).answer(name);
      } catch (java.io.IOException e) {
        err.println("foreman: error: " + e.getMessage());
        return 1;
      }
      Account.Parsed parsed = answer.accounts();
      List<Account> accounts = parsed.accounts();
      parsed.unreadable().forEach(u -> err.println("foreman: " + u));
      Sync.Report report = new Sync(root, dryRun, remove).run(accounts);
      String prefix = dryRun ? "would: " : "";
      report.changes().forEach(c -> out.println(prefix + c));
      report.diffs().forEach(out::print);
      report.failures().forEach(f -> err.println("foreman: " + f));
      if (report.changes().isEmpty() && report.failures().isEmpty()) {
        out.println("in sync: " + accounts.size() + " account" + (accounts.size() == 1 ? "" : "s") + " for " + name);
      }
      if (!dryRun && answer.issued() != null) {
        // An answer issued before this one is a replay (with trust: in roll.yml).
        dev.roller.host.AtomicFile.write(settings.layout().usersIssued(), answer.issued() + "\n");
      }
      out.flush();
      return report.failures().isEmpty() && parsed.unreadable().isEmpty() ? 0 : 1;
    }
  }
}
