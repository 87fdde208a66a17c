package dev.roller.pkg.store;

import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.PackageRef;

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

  /** Where {@code host}'s latest report is kept. */
  public static String report(String host) {
    return REPORTS + NameRule.HOST.require(host) + ".yml";
  }

  /** The host whose report is kept under {@code key} (relative to the store's root), or null if it is not a report's. */
  public static String reportHost(String key) {
    if (!key.startsWith(REPORTS) || !key.endsWith(".yml")) {
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
