package dev.roller.roll.apply;

/** Where roll says what it does: the terminal and {@code var/log/roller/roll.log}. */
public interface Log {
  void info(String line);

  void warn(String line);

  /** A log that drops everything (tests that only look at the host). */
  Log NONE = new Log() {
    @Override
    public void info(String line) {}

    @Override
    public void warn(String line) {}
  };
}
