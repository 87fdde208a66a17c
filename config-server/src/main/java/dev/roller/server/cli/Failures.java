package dev.roller.server.cli;

import dev.roller.repo.ConfigRepoException;
import picocli.CommandLine;

/** Maps exceptions to exit codes and one-line messages, in one place: no stack traces for users. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  static final int OK = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;

  /** A server that cannot start where it was told to (the port is taken): one line, exit 2. */
  static final class CannotStart extends Exception {
    CannotStart(String message) {
      super(message);
    }
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    String name = command.getCommandSpec().qualifiedName();
    if (e instanceof ConfigRepoException || e instanceof CannotStart) {
      command.getErr().println(name + ": " + e.getMessage());
      return USAGE;
    }
    command.getErr().println(name + ": unexpected error: " + e);
    e.printStackTrace(command.getErr());
    return INVALID;
  }
}
