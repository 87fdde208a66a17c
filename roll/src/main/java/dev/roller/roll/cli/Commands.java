package dev.roller.roll.cli;

import dev.roller.roll.apply.Applier;
import dev.roller.roll.apply.Gc;
import dev.roller.roll.apply.Outcome;
import dev.roller.roll.cli.Roll.ApplyOptions;
import dev.roller.roll.cli.Roll.HostOptions;
import dev.roller.roll.generation.Generations;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** roll's subcommands: each parses its options and hands over to {@link Roll} (settings, applier) and {@link Views}. */
final class Commands {
  private Commands() {}

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
        dev.roller.roll.apply.Preview preview = applier.preview(settings.host(), restartAll);
        if (preview.unchanged()) {
          roll.out.println("nothing to do: generation " + preview.from() + " already has this spec and verifies");
          return Outcome.OK;
        }
        roll.views().plan(preview);
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
      return roll.withSettings(host, false, (settings, log, applier) -> roll.views().status(settings, roll.manager(settings)));
    }
  }

  @Command(name = "key", mixinStandardHelpOptions = true,
      description = {"Print this host's public key as its file in the config repo takes it (key: ed25519:...),",
          "making /etc/roller/host.key (Ed25519, 0600) first if there is none. roll signs its reports with it;",
          "once the host's file declares it, the config server accepts only reports it signed."})
  static final class Key implements Callable<Integer> {
    @CommandLine.ParentCommand Roll roll;
    @Mixin HostOptions host;

    @Override
    public Integer call() throws Exception {
      return roll.withSettings(host, false, (settings, log, applier) -> {
        roll.out.println(dev.roller.host.HostKey.line(dev.roller.host.HostKey.loadOrCreate(settings.layout())));
        roll.out.flush();
        return Outcome.OK;
      });
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
      return roll.withSettings(host, false, (settings, log, applier) -> roll.views().generations(settings.layout()));
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
}
