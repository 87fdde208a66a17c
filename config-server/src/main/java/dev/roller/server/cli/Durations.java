package dev.roller.server.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Command-line durations: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
final class Durations {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private Durations() {}

  static Duration parse(String text, CommandLine command) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new CommandLine.ParameterException(command, "not a duration: '" + text + "' (expected e.g. 500ms, 10s, 2m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
