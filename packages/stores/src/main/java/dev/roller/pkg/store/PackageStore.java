package dev.roller.pkg.store;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where package tarballs live, keyed {@code packages/<name>/<version>.tar.gz} with their sha256
 * alongside. A name-version is write-once: putting other bytes under it is refused, putting the
 * same bytes again is a no-op. Implementations are thread-safe, and safe to share between
 * processes: concurrent puts of one name-version leave exactly one winner.
 */
public interface PackageStore {
  enum PutResult {
    /** The package was stored. */
    CREATED,
    /** The same bytes were already stored under that name-version: nothing changed. */
    UNCHANGED
  }

  /** The stored package's sha256 and size, or empty if it is not stored. */
  Optional<StoredPackage> head(PackageRef id) throws IOException;

  /** The tarball's bytes. The caller closes the stream. */
  InputStream open(PackageRef id) throws IOException, NoSuchPackageException;

  /**
   * Stores {@code tarball}, whose sha256 the caller has computed, under {@code id}.
   *
   * @throws PackageConflictException if other bytes are stored under {@code id}
   */
  PutResult put(PackageRef id, Path tarball, Sha256 sha256) throws IOException, PackageException;

  /** Every stored package name, sorted. */
  List<String> names() throws IOException;

  /** Every stored version of {@code name}, sorted by version. */
  List<StoredPackage> versions(String name) throws IOException;

  /**
   * Keeps {@code report} (roll's account of what it applied) as {@code host}'s latest, replacing
   * the one before, at {@code reports/<host>.yml}, and adds it to the host's history, {@code
   * history/<host>/<millis>-<random>.yml} (see {@link #history}, {@link #trimHistory}). Readers see
   * the old report or the new, whole.
   *
   * @return the tag {@link #reportTags} lists for the report just kept, or null if the store cannot tell
   */
  String putReport(String host, byte[] report) throws IOException;

  /** The most reports of one host {@link #history} gives and {@link #trimHistory} keeps, by default. */
  int HISTORY = 50;

  /** {@code host}'s kept reports, newest first, at most {@code limit} (a store without history gives the latest). */
  default List<byte[]> history(String host, int limit) throws IOException {
    return report(host).map(List::of).orElse(List.of());
  }

  /** Removes all but the newest {@code keep} reports of {@code host}'s history; returns how many it removed. */
  default int trimHistory(String host, int keep) throws IOException {
    return 0;
  }

  /**
   * Keeps who published {@code id} and when (a line such as {@code alice at 2026-12-02T10:00:00Z})
   * beside it, once: the first publisher of a name-version is the one kept.
   */
  default void putPublisher(PackageRef id, String line) throws IOException {}

  /** Who published {@code id} and when, as {@link #putPublisher} kept it, or empty. */
  default Optional<String> publisher(PackageRef id) throws IOException {
    return Optional.empty();
  }

  /**
   * The compacted report index a config server last wrote ({@code index/reports.json.gz}: every
   * host's latest report with its {@link #reportTags tag}), or empty; at most {@code max} bytes,
   * more is an error. A server starting reads it, then only the reports whose tag changed since.
   */
  default Optional<byte[]> reportIndex(long max) throws IOException {
    return Optional.empty();
  }

  /** Replaces the compacted report index, whole (readers see the old one or the new). */
  default void putReportIndex(byte[] index) throws IOException {}

  /** {@code host}'s latest report, or empty. */
  Optional<byte[]> report(String host) throws IOException;

  /**
   * Every host with a report kept, to a tag that changes whenever its report is replaced (an
   * index of reports re-reads only those whose tag changed). One listing, not a read per host.
   */
  Map<String, String> reportTags() throws IOException;
}
