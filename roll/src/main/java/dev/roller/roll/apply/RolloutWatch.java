package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.roll.RollException;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationBuilder;
import dev.roller.roll.generation.Generations;
import java.io.IOException;
import java.time.Duration;

/**
 * This host's place in its rollout, as the config server says it (DESIGN §8): waiting for the
 * answer to change ({@code apply --wait}), and saying and keeping what the server last said
 * ({@code X-Roller-Rollout}) for {@code roll status}.
 */
final class RolloutWatch {
  /** The longest a config server holds one long-poll. */
  static final Duration MAX_POLL = Duration.ofMinutes(5);

  private final HostLayout layout;
  private final Generations generations;
  private final ConfigServerClient client;
  private final Log log;

  RolloutWatch(HostLayout layout, Generations generations, ConfigServerClient client, Log log) {
    this.layout = layout;
    this.generations = generations;
    this.client = client;
    this.log = log;
  }

  /**
   * Long-polls the spec with the digest of the generation this host runs, without the lock (it
   * only reads), until the server's answer for this host changes or the wait is up. A blank host,
   * or one whose generation has no digest, has nothing to wait for; a failed poll is warned about
   * and the apply goes ahead, as it would without a wait.
   */
  void await(String host, Duration longPoll) {
    try {
      java.util.OptionalInt current = generations.current();
      GenerationBuilder.Digest known = current.isEmpty() ? null : GenerationBuilder.Digest.read(layout.generation(current.getAsInt()));
      if (known == null) {
        return;
      }
      // A server holds one request at most 5 minutes: a longer wait is several, back to back.
      long deadline = System.nanoTime() + longPoll.toNanos();
      for (int polls = 0; polls < 1000; polls++) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        Duration chunk = Duration.ofNanos(Math.min(left, MAX_POLL.toNanos()));
        ConfigServerClient.SpecAnswer answer = client.spec(host, known.digest(), chunk);
        said(answer.rollout());
        if (answer.spec() != null || chunk.toMillis() < 1000) {
          return;
        }
      }
    } catch (RollException | IOException e) {
      log.warn("could not wait for a change (" + e.getMessage() + "): applying now");
    }
  }

  /** Says, and keeps for {@code roll status}, what the server said of this host's rollout: {@code held: why}, quietly when on target. */
  void said(String header) {
    if (header == null) {
      return;
    }
    if (header.startsWith("held (") && header.endsWith(")")) {
      log.info("held: " + header.substring(6, header.length() - 1));
    }
    try {
      String line = header.replace('\n', ' ');
      java.nio.file.Path file = layout.rollout();
      // Written when it changes (the time says since when), not at every no-op roll.
      if (java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && java.nio.file.Files.readAllLines(file).stream().findFirst().orElse("").equals(line)) {
        return;
      }
      dev.roller.host.AtomicFile.write(file, line + "\n" + Stamps.now() + "\n");
    } catch (IOException e) {
      log.warn("cannot record the rollout state in " + layout.rollout() + ": " + e.getMessage());
    }
  }
}
