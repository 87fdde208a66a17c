package dev.roller.foreman.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code foreman}: the command line's root. Its subcommands land with their issues. */
@Command(
    name = "foreman",
    mixinStandardHelpOptions = true,
    version = "foreman 0.1.0",
    description = "foreman: keeps this host's users, ssh keys, sudo rights and dotfiles true to the config repo.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error"})
public final class Foreman implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new Foreman()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "no commands yet in this build: see 'foreman --help'");
  }
}
