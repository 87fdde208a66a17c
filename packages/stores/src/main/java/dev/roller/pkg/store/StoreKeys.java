package dev.roller.pkg.store;

import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.model.Sha256;

/**
 * The one place that knows the store's key layout: {@code packages/<name>/<version>.tar.gz}. Names
 * and versions are checked by {@link PackageRef}, so a key never holds {@code ..} or a slash.
 */
public final class StoreKeys {
  public static final String PACKAGES = "packages/";
  public static final String SUFFIX = ".tar.gz";

  private StoreKeys() {}

  public static String tarball(PackageRef id) {
    return PACKAGES + id.name() + "/" + id.version() + SUFFIX;
  }

  public static final String REPORTS = "reports/";
  /**
   * Reports are spread over this many shards, {@code reports/<shard>/<fqdn>.yml}, the shard the
   * first byte of the sha256 of the host name in hex: a store lists its shards side by side (S3
   * lists a prefix 1,000 keys a page, one page after another: 100 round trips in a row for 100,000
   * hosts), and S3 scales its request rate per prefix.
   */
  public static final int REPORT_SHARDS = 256;

  /** The prefix of shard {@code i} (0 to {@link #REPORT_SHARDS} - 1). */
  public static String reportShard(int i) {
    return REPORTS + String.format(java.util.Locale.ROOT, "%02x", i) + "/";
  }

  /** Where {@code host}'s latest report is kept. */
  public static String report(String host) {
    NameRule.HOST.require(host);
    return reportShard(shardOf(host)) + host + ".yml";
  }

  private static int shardOf(String host) {
    return Sha256.newDigest().digest(host.getBytes(java.nio.charset.StandardCharsets.US_ASCII))[0] & 0xff;
  }

  /** The host whose report is kept under {@code key} (relative to the store's root), or null if it is not a report's. */
  public static String reportHost(String key) {
    int slash = REPORTS.length() + 2;
    if (!key.startsWith(REPORTS) || key.length() <= slash + ".yml".length() || key.charAt(slash) != '/' || !key.endsWith(".yml")) {
      return null;
    }
    String host = key.substring(slash + 1, key.length() - ".yml".length());
    return NameRule.HOST.matches(host) && key.equals(report(host)) ? host : null;
  }

  /**
   * The host whose report is under {@code key} as stores kept them before shards ({@code
   * reports/<fqdn>.yml}), or null: such a report is moved to its shard when a listing finds it.
   */
  public static String unshardedReportHost(String key) {
    if (!key.startsWith(REPORTS) || !key.endsWith(".yml") || key.indexOf('/', REPORTS.length()) >= 0) {
      return null;
    }
    String host = key.substring(REPORTS.length(), key.length() - ".yml".length());
    return NameRule.HOST.matches(host) ? host : null;
  }

  /** Every host's latest report and its tag, in one object (see {@link PackageStore#reportIndex}). */
  public static final String REPORT_INDEX = "index/reports.json.gz";

  public static final String HISTORY = "history/";

  /** The folder (prefix) of {@code host}'s history. */
  public static String historyOf(String host) {
    return HISTORY + NameRule.HOST.require(host) + "/";
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * A new name in {@code host}'s history: {@code <millis, 13 digits>-<8 hex>.yml}, so names sort by
   * when they were made (two within one millisecond, in any order).
   */
  public static String historyEntry(String host, long millis) {
    return historyOf(host) + String.format(java.util.Locale.ROOT, "%013d-%08x.yml", millis, RANDOM.nextInt());
  }

  /** Whether {@code name} (the last part of a key) is one {@link #historyEntry} made. */
  public static boolean isHistoryEntry(String name) {
    return name.matches("[0-9]{13}-[0-9a-f]{8}\\.yml");
  }

  /** The prefix under which every version of {@code name} is stored. */
  public static String versionsOf(String name) {
    return PACKAGES + NameRule.PACKAGE.require(name) + "/";
  }

  /** The version in a key under {@link #versionsOf}, or null if the key is not a tarball's. */
  public static String versionOf(String name, String key) {
    String prefix = versionsOf(name);
    if (!key.startsWith(prefix) || !key.endsWith(SUFFIX)) {
      return null;
    }
    String version = key.substring(prefix.length(), key.length() - SUFFIX.length());
    return NameRule.VERSION.matches(version) ? version : null;
  }
}
