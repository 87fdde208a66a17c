package dev.roller.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

/**
 * hello-worker: takes "jobs" from its queue every {@code interval_seconds} and writes a heartbeat
 * file. {@code hello-worker check CONFIG} is its health check: exit 0 if the heartbeat is fresh.
 */
public final class HelloWorker {
  private HelloWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("check")) {
      System.exit(check(new Config(Path.of(args[1]))));
    }
    if (args.length != 1) {
      System.err.println("usage: hello-worker CONFIG_FILE | hello-worker check CONFIG_FILE");
      System.exit(2);
    }
    Config config = new Config(Path.of(args[0]));
    Path heartbeat = Path.of(config.get("heartbeat"));
    Duration interval = Duration.ofSeconds(Long.parseLong(config.get("interval_seconds")));
    System.out.println("hello-worker on queue " + config.get("queue") + ", every " + interval.toSeconds() + "s");
    for (long beat = 0; ; beat++) {
      Files.createDirectories(heartbeat.getParent());
      Path temp = heartbeat.resolveSibling(heartbeat.getFileName() + ".tmp");
      Files.writeString(temp, Instant.now() + " beat " + beat + "\n", StandardCharsets.UTF_8);
      Files.move(temp, heartbeat, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Thread.sleep(interval.toMillis());
    }
  }

  private static int check(Config config) throws IOException {
    Path heartbeat = Path.of(config.get("heartbeat"));
    long interval = Long.parseLong(config.get("interval_seconds"));
    if (!Files.exists(heartbeat)) {
      System.err.println("no heartbeat yet at " + heartbeat);
      return 1;
    }
    Duration age = Duration.between(Files.getLastModifiedTime(heartbeat).toInstant(), Instant.now());
    if (age.toSeconds() > 3 * interval) {
      System.err.println("heartbeat is " + age.toSeconds() + "s old");
      return 1;
    }
    return 0;
  }
}
