package dev.roller.host;

import dev.roller.repo.model.Sha256;
import java.nio.file.Path;

/**
 * The one class that knows where roll keeps things on a host (DESIGN §5), all under {@code root}
 * ({@code /} on a real host, a scratch folder with {@code --root}):
 *
 * <pre>
 * usr/local                          symlink to var/lib/roller/generations/N (relative, so it works under any root)
 * var/lib/roller/generations/N/      one complete tree per roll, with .roller/generation.yml
 * var/lib/roller/store/SHA256/       each package unpacked once, read-only
 * var/lib/roller/store/SHA256.files  its file index (sha256 of each file when unpacked)
 * var/cache/roller/SHA256.tar.gz     downloaded tarballs
 * var/lib/roller/lock, journal       one roll at a time; what a roll was doing if it died
 * var/lib/roller/failed              the spec that failed here (not tried again until it changes)
 * var/lib/roller/run/                pid files of services
 * var/log/roller/                    roll's log and each service's output
 * etc/roller/roll.yml                this host's settings
 * </pre>
 */
public record HostLayout(Path root) {
  public HostLayout {
    root = root.toAbsolutePath().normalize();
  }

  public Path usrLocal() {
    return root.resolve("usr/local");
  }

  public Path generations() {
    return root.resolve("var/lib/roller/generations");
  }

  public Path generation(int n) {
    return generations().resolve(Integer.toString(n));
  }

  /** What {@code usr/local} points to for generation {@code n}: relative to {@code usr/}, so it stays inside the root. */
  public Path linkTarget(int n) {
    return Path.of("..", "var", "lib", "roller", "generations", Integer.toString(n));
  }

  public Path store() {
    return root.resolve("var/lib/roller/store");
  }

  public Path storeEntry(Sha256 sha256) {
    return store().resolve(sha256.hex());
  }

  /** The file index of a store entry (what each file's sha256 was when it was unpacked). */
  public Path storeIndex(Sha256 sha256) {
    return store().resolve(sha256.hex() + ".files");
  }

  public Path cache() {
    return root.resolve("var/cache/roller");
  }

  public Path cachedTarball(Sha256 sha256) {
    return cache().resolve(sha256.hex() + ".tar.gz");
  }

  public Path lock() {
    return root.resolve("var/lib/roller/lock");
  }

  /** The spec that failed on this host and was rolled back: see {@code FailedSpec}. */
  public Path failedSpec() {
    return root.resolve("var/lib/roller/failed");
  }

  /** What the config server last said of this host's rollout ({@code X-Roller-Rollout}), and when. */
  public Path rollout() {
    return root.resolve("var/lib/roller/rollout");
  }

  /** This host's own key, which signs its reports: see {@code HostKey}. */
  public Path hostKey() {
    return root.resolve("etc/roller/host.key");
  }

  /** When the last spec applied was issued (a signed answer issued earlier is a replay). */
  public Path issued() {
    return root.resolve("var/lib/roller/issued");
  }

  /** When {@link #issued} says the last applied answer was issued, or null. */
  public java.time.Instant lastIssued() {
    return readInstant(issued());
  }

  /** When the last users answer foreman applied was issued (its replay check). */
  public Path usersIssued() {
    return root.resolve("var/lib/roller/users-issued");
  }

  /** When {@link #usersIssued} says, or null. */
  public java.time.Instant lastUsersIssued() {
    return readInstant(usersIssued());
  }

  private static java.time.Instant readInstant(Path file) {
    try {
      return java.time.Instant.parse(java.nio.file.Files.readString(file).strip());
    } catch (java.io.IOException | java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  public Path journal() {
    return root.resolve("var/lib/roller/journal");
  }

  public Path run() {
    return root.resolve("var/lib/roller/run");
  }

  public Path log() {
    return root.resolve("var/log/roller");
  }

  /** Where the systemd service manager writes its units. */
  public Path systemdUnits() {
    return root.resolve("etc/systemd/system");
  }

  public Path config() {
    return root.resolve("etc/roller/roll.yml");
  }
}
