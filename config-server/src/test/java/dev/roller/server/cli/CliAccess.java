package dev.roller.server.cli;

/** config-server's command line, run in-process, for tests outside this package. */
public final class CliAccess {
  private CliAccess() {}

  /** A run's exit code and what it printed. */
  public record Result(int code, String out, String err) {}

  public static Result run(String... args) {
    ValidateCommandTest.Result r = ValidateCommandTest.run(args);
    return new Result(r.code(), r.out(), r.err());
  }
}
