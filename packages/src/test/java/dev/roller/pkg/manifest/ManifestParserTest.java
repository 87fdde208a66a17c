package dev.roller.pkg.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  private static Manifest parse(String yaml) throws PackageException {
    return ManifestParser.parse(yaml.getBytes(StandardCharsets.UTF_8), ".roller/package.yml");
  }

  private static String problems(String yaml) {
    return assertThrows(PackageException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void readsServicesHealthChecksAndHooks() throws Exception {
    Manifest m = parse("""
        name: hello-web
        version: 1.0.0
        services:
          - name: hello-web
            run: bin/hello-web --port {{ params.listen_port }}
            stop_timeout: 5s
            reload: bin/hello-web-reload
            health: { http: "http://127.0.0.1:{{ params.listen_port }}/health", timeout: 500ms }
          - name: sidecar
            run: bin/sidecar
            health: { tcp: "127.0.0.1:9000" }
        hooks:
          activate: bin/install-cron
        """);
    assertEquals("hello-web-1.0.0.tar.gz", m.tarballName());
    Service web = m.services().get(0);
    assertEquals(Duration.ofSeconds(5), web.stopTimeout());
    assertEquals(HealthCheck.Kind.HTTP, web.health().kind());
    assertEquals(Duration.ofMillis(500), web.health().timeout());
    assertEquals("bin/hello-web-reload", web.reload());
    Service sidecar = m.services().get(1);
    assertEquals(Service.DEFAULT_STOP_TIMEOUT, sidecar.stopTimeout());
    assertEquals(HealthCheck.DEFAULT_TIMEOUT, sidecar.health().timeout());
    assertNull(sidecar.reload());
    assertEquals("bin/install-cron", m.activate());
  }

  @Test
  void reportsEveryProblemWithItsLine() {
    String message = problems("""
        name: hello-web
        version: 1.0
        services:
          - name: a
            run: bin/a
            stop_timeout: soon
            health: { http: "x", tcp: "y" }
          - name: a
            run: bin/b
            restart: always
        """);
    assertTrue(message.contains(".roller/package.yml:6: 'stop_timeout' must be a duration"), message);
    assertTrue(message.contains(".roller/package.yml:7: 'health' takes one of http, tcp or command"), message);
    assertTrue(message.contains(".roller/package.yml:8: two services are named \"a\""), message);
    assertTrue(message.contains(".roller/package.yml:10: unknown key \"restart\""), message);
  }

  @Test
  void requiresNameVersionAndRun() {
    String message = problems("services:\n  - name: a\n");
    assertTrue(message.contains("missing 'name'"), message);
    assertTrue(message.contains("missing 'version'"), message);
    assertTrue(message.contains(".roller/package.yml:2: missing 'run'"), message);
  }

  @Test
  void healthNeedsAKind() {
    assertTrue(problems("name: a\nversion: 1\nservices:\n  - {name: a, run: x, health: {timeout: 3s}}\n")
        .contains("'health' needs one of http, tcp or command"));
  }
}
