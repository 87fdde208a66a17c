package dev.roller.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code config-server}: serve the config repo over HTTP, or check it. */
@Command(
    name = "config-server",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Roller's config server: serves views of the config repo and spreads packages.",
    subcommands = {ServeCommand.class, ValidateCommand.class, SpecCommand.class, ImpactCommand.class, KeygenCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success; for validate, the repo is valid",
      "1:the repo is invalid (every problem is printed as path:line: message)",
      "2:usage or configuration error"
    })
public final class ConfigServer implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line with its output on {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new ConfigServer())
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(new Failures())
        .execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'config-server --help'");
  }
}
