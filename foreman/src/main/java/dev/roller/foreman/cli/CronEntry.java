package dev.roller.foreman.cli;

import dev.roller.host.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /etc/cron.d/roller-foreman}: roll and foreman sync every few minutes, at a per-host
 * splay. roll long-polls its spec for all but the last minute of the period ({@code --wait},
 * DESIGN §5), so a change is applied seconds after the config server serves it.
 */
final class CronEntry {
  static final String PATH = "etc/cron.d/roller-foreman";
  private static final Pattern EVERY = Pattern.compile("([1-9][0-9]?)(m|h)");

  private CronEntry() {}

  /** The file's text for {@code host} every {@code every} ({@code 10m}, {@code 1h}, ...). */
  static String text(String host, String every) {
    Matcher m = EVERY.matcher(every);
    if (!m.matches()) {
      throw new IllegalArgumentException("--every must be minutes (e.g. 10m) or hours (e.g. 1h), not " + every);
    }
    int n = Integer.parseInt(m.group(1));
    int minutes = m.group(2).equals("m") ? n : n * 60;
    // A stable number from the host name (String.hashCode is specified), spread over the period.
    int splay = Math.floorMod(host.hashCode() * 31 + 17, 3600);
    String when;
    if (m.group(2).equals("m")) {
      if (60 % n != 0) {
        throw new IllegalArgumentException("--every " + every + ": minutes must divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)");
      }
      int minute = splay % n;
      when = n == 60 ? minute + " * * * *" : minute + "-59/" + n + " * * * *";
    } else {
      if (24 % n != 0) {
        throw new IllegalArgumentException("--every " + every + ": hours must divide a day (1, 2, 3, 4, 6, 8, 12, 24)");
      }
      int minute = splay % 60;
      int hour = (splay / 60) % n;
      when = minute + " " + (n == 1 ? "*" : n == 24 ? Integer.toString(hour) : hour + "-23/" + n) + " * * *";
    }
    String roll = minutes > 1 ? "roll apply --yes --wait " + (minutes - 1) + "m" : "roll apply --yes";
    return "# Written by foreman install-cron (the foreman package's activate hook): keeps this host's\n"
        + "# packages (roll, which waits for a change for all but the last minute of the period) and\n"
        + "# accounts (foreman) true to the config repo. The minute is derived from the host name, so a\n"
        + "# fleet spreads its runs over the period.\n"
        + "SHELL=/bin/sh\n"
        + "PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin\n"
        + when + " root /usr/local/bin/" + roll + " >> /var/log/roller/roll-cron.log 2>&1\n"
        + when + " root /usr/local/bin/foreman sync >> /var/log/roller/foreman.log 2>&1\n";
  }

  /**
   * Writes the file 0644 by a rename (cron never reads half of it), owned by root as cron.d
   * requires; under a scratch {@code --root} a non-root user may write it as their own.
   */
  static void write(Path file, String text, boolean realRoot) throws IOException {
    AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8), "rw-r--r--", temp -> {
      if (Files.getAttribute(temp, "unix:uid", LinkOption.NOFOLLOW_LINKS) instanceof Integer uid && uid != 0) {
        try {
          Files.setAttribute(temp, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(temp, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          if (realRoot) {
            throw new IOException("cron.d files must belong to root, and foreman cannot make " + file + " so: run it as root", e);
          }
        }
      }
    });
  }
}
