package dev.roller.roll.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code roll}: the command line's root. Its subcommands land with their issues. */
@Command(
    name = "roll",
    mixinStandardHelpOptions = true,
    version = "roll 0.1.0",
    description = "roll: builds this host's /usr/local from its spec, switches to it atomically, checks services.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error"})
public final class Roll implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new Roll()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "no commands yet in this build: see 'roll --help'");
  }
}
