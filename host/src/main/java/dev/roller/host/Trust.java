package dev.roller.host;

import dev.roller.repo.trust.Signatures;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * What makes a config server's answer trusted on this host, for roll's specs and foreman's users
 * answers alike (DESIGN §9): signed by one of the keys in roll.yml's {@code trust:}, issued no
 * longer than {@code max_age} ago, and not before the answer this host last applied (a replay).
 * Each check says why it refuses.
 */
public record Trust(Signatures.Verifier verifier, Duration maxAge, Supplier<Instant> lastApplied) {
  /** The trust these settings ask for, or null when roll.yml has no {@code trust:} (answers are not verified). */
  public static Trust of(HostSettings settings, Supplier<Instant> lastApplied) {
    return settings.trust().isEmpty() ? null
        : new Trust(Signatures.Verifier.of(settings.trust()), settings.maxAge(), lastApplied);
  }

  /** Null when the answer's {@code X-Roller-Signature} is a trusted key's signature of its exact bytes, else why not. */
  public String signatureProblem(ServerClient.Response r) {
    return verifier.problem(r.headers().get(Signatures.HEADER), r.body());
  }

  /** Null when an answer {@code issued} then may be acted on, else why not. */
  public String freshnessProblem(Instant issued) {
    if (issued == null) {
      return "it has no readable 'issued' time";
    }
    if (issued.plus(maxAge).isBefore(Instant.now())) {
      return "it was issued at " + issued + ", more than max_age (" + maxAge.toHours() + " h) ago: too old";
    }
    Instant last = lastApplied == null ? null : lastApplied.get();
    if (last != null && issued.isBefore(last)) {
      return "it was issued at " + issued + ", before the answer this host last applied (issued " + last + "): a replay";
    }
    return null;
  }

  /** The {@code issued} field of an answer, or null when it holds no readable time. */
  public static Instant issued(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(String.valueOf(value));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
