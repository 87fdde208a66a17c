package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.TestRepo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spec's ETag is the digest of the spec as written: the same on every server, wherever it runs. */
class SpecEtagTest {
  @TempDir Path dir;

  @Test
  void serversInDifferentTimeZonesGiveADateLikeParamTheSameEtag() throws Exception {
    TimeZone before = TimeZone.getDefault();
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.write("datacenters/dc1.yml", "params:\n  release: 2026-12-01\n  at: 2026-12-01 10:00:00\n");
      repo.commit("date-like params");
      String[] etags = new String[2];
      String[] bodies = new String[2];
      String[] zones = {"UTC", "Pacific/Kiritimati"};
      for (int i = 0; i < zones.length; i++) {
        TimeZone.setDefault(TimeZone.getTimeZone(zones[i])); // what TZ=... gives a server's JVM
        try (ServerFixture server = ServerFixture.start(TestRepo.init(dir.resolve("repo")), dir.resolve("s" + i))) {
          server.publish(server.build("hello-web", "1.0.0", "w"), ServerFixture.TOKEN);
          server.publish(server.build("foreman", "1.0.0", "f"), ServerFixture.TOKEN);
          HttpResponse<String> spec = server.get("/hosts/web1.dc1.example.com/spec");
          assertEquals(200, spec.statusCode(), spec.body());
          etags[i] = spec.headers().firstValue("ETag").orElseThrow();
          bodies[i] = spec.body();
        }
      }
      assertEquals(etags[0], etags[1]);
      assertTrue(bodies[1].contains("release: '2026-12-01'"), bodies[1]);
      assertTrue(bodies[1].contains("at: '2026-12-01 10:00:00'"), bodies[1]);
    } finally {
      TimeZone.setDefault(before);
    }
  }
}
