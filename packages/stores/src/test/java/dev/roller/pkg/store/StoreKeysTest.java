package dev.roller.pkg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The store's key layout: a report is known by its shard, and nothing else under reports/ is taken for one. */
class StoreKeysTest {
  @Test
  void aKeyInAShardNotItsOwnIsNoReport() {
    String key = StoreKeys.report("web1.example.com");
    assertEquals("web1.example.com", StoreKeys.reportHost(key));
    String shard = key.substring(StoreKeys.REPORTS.length(), StoreKeys.REPORTS.length() + 2);
    String other = shard.equals("00") ? "01" : "00";
    assertEquals(null, StoreKeys.reportHost(StoreKeys.REPORTS + other + "/web1.example.com.yml"));
    assertEquals(null, StoreKeys.reportHost(StoreKeys.REPORTS + shard + "/../web1.example.com.yml"));
    assertEquals(null, StoreKeys.reportHost("reports/web1.example.com.yml"));
    assertEquals("web1.example.com", StoreKeys.unshardedReportHost("reports/web1.example.com.yml"));
    assertEquals(null, StoreKeys.unshardedReportHost(key));
  }
}
