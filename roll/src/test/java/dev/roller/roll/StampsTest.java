package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.roll.apply.Stamps;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StampsTest {
  @Test
  void timeStampsAreIsoUtcWithMillisecondsThatInstantReadsBack() {
    assertEquals("1970-01-01T00:00:00.000Z", Stamps.utc(0));
    assertEquals("2024-02-29T23:59:59.999Z", Stamps.utc(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli()));
    assertEquals("1969-12-31T23:59:59.999Z", Stamps.utc(-1));
    for (long millis : new long[] {1, 1_000, 59_999, 951_782_400_007L, 1_796_000_000_010L, 4_102_444_800_000L}) {
      String stamp = Stamps.utc(millis);
      assertEquals(millis, Instant.parse(stamp).toEpochMilli(), stamp);
      assertEquals(24, stamp.length(), stamp);
    }
  }

  @Test
  void thePidIsThisProcesss() {
    assertEquals(ProcessHandle.current().pid(), Stamps.pid());
  }
}
