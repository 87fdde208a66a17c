package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet simulation at 1,000 hosts (bench/fleet-sim runs it on S3Proxy): two servers sharing a
 * store folder, waves [1, 1%, 10%, 50%, 100%] with a 2 s soak. A good commit reaches every host in
 * its waves; a bad one stops at the canary and both servers say it halted.
 */
class FleetSimTest {
  static final String WAVES = "  waves: [1, 1%, 10%, 50%, 100%]\n  soak: 2s\n  max_failures: 0\n";

  @TempDir Path dir;

  @Test
  void aGoodCommitReachesEveryHostInItsWavesAndABadOneHaltsAtTheCanary() throws Exception {
    long start = System.nanoTime();
    try (FleetSim sim = new FleetSim(dir, 1000, false)) {
      long made = System.nanoTime();
      sim.seed();
      System.out.printf("fleet-sim: set up %d ms, seeded %d ms%n", (made - start) / 1_000_000,
          (System.nanoTime() - made) / 1_000_000);

      FleetSim.Rollout good = sim.roll("2.0.0", false, WAVES, Duration.ofSeconds(2), Duration.ofSeconds(60));
      assertTrue(good.allAppliedMillis() >= 0, "every host applied the good commit within 60 s: " + good);
      assertEquals(0, good.movedEarly(), "no host moved before its wave opened: " + good);
      assertEquals("complete", good.state());
      assertTrue(good.serversAgree(), "both servers give every host the same answer");

      System.out.println("fleet-sim: good " + good);
      FleetSim.Rollout bad = sim.roll("3.0.0", true, WAVES, Duration.ofSeconds(2), Duration.ofSeconds(30));
      assertTrue(bad.haltedMillis() >= 0 && bad.haltedMillis() < 5000, "halted on both servers within 5 s: " + bad);
      assertEquals(1, bad.gotIt(), "only the canary ever got the bad version: " + bad);
      assertTrue(bad.serversAgree(), "both servers agree: " + bad);
      System.out.println("fleet-sim: bad " + bad);
    }
  }
}
