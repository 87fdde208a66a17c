package dev.roller.roll;

/**
 * A roll stopped because no config server could deliver what it needed (unreachable, cut off,
 * answering 5xx, or sending bytes that do not match): the spec is not at fault, so roll does not
 * report it as a failure of that spec (which would hold the host on it, §8), and the next roll
 * simply tries again.
 */
public final class Unavailable extends RollException {
  public Unavailable(String message, Throwable cause) {
    super(message, cause);
  }

  public Unavailable(String message) {
    super(message);
  }
}
