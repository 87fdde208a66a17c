package dev.roller.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/fleet-sim's first part (not a test: surefire runs it only when named, -Dtest=FleetSimBench):
 * {@code fleet.hosts} simulated hosts (default 1,000) on two servers sharing one S3 bucket on
 * S3Proxy, a good commit and then a bad one in waves [1, 1%, 10%, 50%, 100%] with a 2 s soak. It
 * writes its figures to {@code fleet.out} as {@code key=value} lines.
 */
class FleetSimBench {
  @TempDir Path dir;

  @Test
  void run() throws Exception {
    int hosts = Integer.getInteger("fleet.hosts", 1000);
    Path out = Path.of(System.getProperty("fleet.out", "fleet-sim.out"));
    String waves = "  waves: [1, 1%, 10%, 50%, 100%]\n  soak: 2s\n  max_failures: 0\n";
    try (FleetSim sim = new FleetSim(dir, hosts, true)) {
      sim.seed();
      FleetSim.Rollout good = sim.roll("2.0.0", false, waves, Duration.ofSeconds(2), Duration.ofSeconds(120));
      FleetSim.Rollout bad = sim.roll("3.0.0", true, waves, Duration.ofSeconds(2), Duration.ofSeconds(60));
      Files.writeString(out, "hosts=" + hosts + "\ngood_ms=" + good.allAppliedMillis() + "\ngood_early=" + good.movedEarly()
          + "\ngood_state=" + good.state() + "\ngood_agree=" + good.serversAgree() + "\nbad_got=" + bad.gotIt()
          + "\nbad_halted_ms=" + bad.haltedMillis() + "\nbad_agree=" + bad.serversAgree() + "\n");
    }
  }
}
