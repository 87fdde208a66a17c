package dev.roller.roll.apply;

/**
 * How a roll ended, with its exit code (DESIGN §5): 0 applied or nothing to do; 1 failed before the
 * switch, host untouched; 2 usage or configuration error; 3 rolled back after a failed health
 * check; 4 failed and could not roll back (the host needs a person).
 */
public record Outcome(int exitCode, String result, String message, int generation) {
  public static final int OK = 0;
  public static final int FAILED_UNTOUCHED = 1;
  public static final int USAGE = 2;
  public static final int ROLLED_BACK = 3;
  public static final int NEEDS_A_PERSON = 4;

  static Outcome applied(String message, int generation) {
    return new Outcome(OK, "applied", message, generation);
  }

  static Outcome unchanged(String message, int generation) {
    return new Outcome(OK, "unchanged", message, generation);
  }

  static Outcome failed(String message, int generation) {
    return new Outcome(FAILED_UNTOUCHED, "failed", message, generation);
  }

  static Outcome rolledBack(String message, int generation) {
    return new Outcome(ROLLED_BACK, "rolled-back", message, generation);
  }

  static Outcome stuck(String message, int generation) {
    return new Outcome(NEEDS_A_PERSON, "failed", message, generation);
  }
}
