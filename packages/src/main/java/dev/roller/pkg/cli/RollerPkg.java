package dev.roller.pkg.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code roller-pkg}: build, inspect and publish package tarballs. */
@Command(
    name = "roller-pkg",
    mixinStandardHelpOptions = true,
    version = "roller-pkg 0.1.0",
    description = "Roller's package tool: build, inspect and publish package tarballs.",
    subcommands = {BuildCommand.class, InspectCommand.class, ExtractCommand.class, PublishCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the package is refused (invalid manifest, hostile entry, conflict)",
      "2:usage error, or a file cannot be read"
    })
public final class RollerPkg implements Runnable {
  static final int OK = 0;
  static final int REFUSED = 1;
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new RollerPkg())
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(RollerPkg::failure)
        .execute(args);
  }

  /** Exceptions to exit codes and one-line messages, in one place. */
  private static int failure(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    String name = command.getCommandSpec().qualifiedName();
    if (e instanceof dev.roller.pkg.PackageException) {
      command.getErr().println(name + ": " + e.getMessage());
      return REFUSED;
    }
    if (e instanceof java.nio.file.NoSuchFileException missing) {
      command.getErr().println(name + ": no such file: " + missing.getFile());
      return USAGE;
    }
    if (e instanceof java.io.IOException) {
      command.getErr().println(name + ": " + e);
      return USAGE;
    }
    command.getErr().println(name + ": unexpected error: " + e);
    e.printStackTrace(command.getErr());
    return REFUSED;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'roller-pkg --help'");
  }
}
