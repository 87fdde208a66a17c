package dev.roller.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example services do what their manifests promise, over real HTTP on 127.0.0.1. */
class HelloServicesTest {
  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void helloWebAnswersHealthAndItsRenderedValuesAndRereadsItsConfig() throws Exception {
    Path config = dir.resolve("hello-web.properties");
    Files.writeString(config, "bind=127.0.0.1\nport=0\ngreeting=Hi\nhost=web1\nversion=1.1.0\nworkers=4\n");
    HttpServer web = HelloWeb.start(config);
    try {
      String base = "http://127.0.0.1:" + web.getAddress().getPort();
      assertEquals("ok\n", get(base + "/health").body());
      assertEquals("Hi\nhost: web1\nversion: 1.1.0\nworkers: 4\n", get(base + "/").body());
      Files.writeString(config, "bind=127.0.0.1\nport=0\ngreeting=Changed\nhost=web1\nversion=1.1.0\nworkers=8\n");
      assertTrue(get(base + "/").body().startsWith("Changed\n"));
    } finally {
      web.stop(0);
    }
  }

  @Test
  void helloLbForwardsToItsBackendsAndSkipsADeadOne() throws Exception {
    Path webConfig = dir.resolve("web.properties");
    Files.writeString(webConfig, "bind=127.0.0.1\nport=0\ngreeting=From web\nhost=web1\nversion=1.0.0\nworkers=1\n");
    HttpServer web = HelloWeb.start(webConfig);
    HttpServer dead = HelloWeb.start(webConfig);
    int deadPort = dead.getAddress().getPort();
    dead.stop(0);
    Path lbConfig = dir.resolve("lb.properties");
    Files.writeString(lbConfig, "bind=127.0.0.1\nport=0\nbackend=127.0.0.1:" + deadPort
        + "\nbackend=127.0.0.1:" + web.getAddress().getPort() + "\n");
    HttpServer lb = HelloLb.start(lbConfig);
    try {
      String base = "http://127.0.0.1:" + lb.getAddress().getPort();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = get(base + "/");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("From web\n"), response.body());
      }
    } finally {
      lb.stop(0);
      web.stop(0);
    }
  }
}
