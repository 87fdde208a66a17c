package dev.roller.server.rollout;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * A host's latest report as the server kept it (normalized, with the times it stamped): what the
 * host tried ({@code commit}, {@code tried}: that spec's digest), how it went ({@code result}),
 * and what it runs afterwards ({@code running}, the digest, and {@code runningCommit}, a commit
 * whose spec for the host has that digest; after a rollback, the spec it went back to).
 * {@code runningSince}: when this server, or another sharing the store, first received a report
 * saying the host runs {@code running}; {@code verified}: signed by the host's own key.
 * {@code problem} is set, and the rest null, when the kept
 * report cannot be read; such a host is never admitted on it.
 */
public record Report(String host, String result, String commit, String tried, String running, String runningCommit,
    Instant receivedAt, Instant runningSince, boolean verified, Map<String, Object> document, String problem) {
  /** Results that say the tried spec did not take. */
  public static final Set<String> FAILURES = Set.of("failed", "rolled-back");

  public boolean failed() {
    return problem == null && FAILURES.contains(result);
  }

  /** A report that cannot be read, and why. */
  public static Report unreadable(String host, String why) {
    return new Report(host, null, null, null, null, null, null, null, false, Map.of("error", "report unreadable: " + why), why);
  }

  /** The report kept as {@code doc} (see {@code ReportViews}), or an unreadable one naming what is wrong. */
  public static Report of(String host, Map<?, ?> doc) {
    try {
      String result = text(doc, "result");
      String tried = digest(doc, "tried");
      String running = digest(doc, "running");
      @SuppressWarnings("unchecked")
      Map<String, Object> document = (Map<String, Object>) doc;
      return new Report(host, result, commit(doc, "commit"), tried, running, commit(doc, "running_commit"),
          time(doc, "received_at"), time(doc, "running_since"), Boolean.TRUE.equals(doc.get("verified")), document, null);
    } catch (IllegalArgumentException e) {
      return unreadable(host, e.getMessage());
    }
  }

  private static String text(Map<?, ?> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no '" + key + "'");
    }
    return String.valueOf(v);
  }

  private static String digest(Map<?, ?> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v);
    if (!s.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + key + "' is not a spec digest");
    }
    return s;
  }

  private static String commit(Map<?, ?> doc, String key) {
    Object v = doc.get(key);
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v);
    if (!s.matches("[0-9a-f]{40}")) {
      throw new IllegalArgumentException("'" + key + "' is not a commit id");
    }
    return s;
  }

  private static Instant time(Map<?, ?> doc, String key) {
    try {
      return instant(doc.get(key));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + key + "' is not a time");
    }
  }

  /** A time as a report holds it (text such as {@code 2026-12-02T10:00:00Z}, or a YAML timestamp), or null. */
  public static Instant instant(Object v) {
    if (v == null) {
      return null;
    }
    return v instanceof java.util.Date date ? date.toInstant() : Instant.parse(String.valueOf(v));
  }
}
