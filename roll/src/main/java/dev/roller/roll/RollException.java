package dev.roller.roll;

/**
 * The roll module's one exception: something stops a roll. Messages name the package, the file
 * and line, or the path at fault, and say what to do.
 */
public class RollException extends Exception {
  public RollException(String message) {
    super(message);
  }

  public RollException(String message, Throwable cause) {
    super(message, cause);
  }
}
