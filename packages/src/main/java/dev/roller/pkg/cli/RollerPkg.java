package dev.roller.pkg.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code roller-pkg}: the command line's root. Its subcommands land with their issues. */
@Command(
    name = "roller-pkg",
    mixinStandardHelpOptions = true,
    version = "roller-pkg 0.1.0",
    description = "Roller's package tool: build, inspect and publish package tarballs.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "2:usage error"})
public final class RollerPkg implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new RollerPkg()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "no commands yet in this build: see 'roller-pkg --help'");
  }
}
