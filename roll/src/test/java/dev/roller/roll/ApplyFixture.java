package dev.roller.roll;

import dev.roller.host.HostLayout;
import dev.roller.roll.apply.Applier;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.service.ExecServiceManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the roll apply tests share: a real config server on 127.0.0.1, real packages, real service
 * processes started, health-checked, restarted, reloaded and stopped in a scratch root.
 */
abstract class ApplyFixture {
  static final String HOST = Services.HOST;

  @TempDir Path dir;
  RollServer server;
  HostLayout layout;
  ExecServiceManager services;
  Applier applier;

  @BeforeEach
  void start() throws Exception {
    server = Services.appServer(dir);
    layout = new HostLayout(dir.resolve("host"));
    Files.createDirectories(layout.root().resolve("state"));
    services = new ExecServiceManager(layout);
    applier = new Applier(layout, new ConfigServerClient(List.of(server.uri()), Duration.ofSeconds(2), Duration.ofSeconds(20)),
        services, Services.quietLog());
  }

  @AfterEach
  void stop() throws Exception {
    Services.stopAll(layout, services);
    server.close();
  }

  void hostclass(String yaml) throws Exception {
    Services.hostclass(server, yaml);
  }

  String status() throws Exception {
    String body = statusBody();
    int at = body.indexOf("\"state\":\"");
    return body.substring(at + 9, body.indexOf('"', at + 9));
  }

  String statusBody() throws Exception {
    HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create(server.uri() + "/hosts/" + HOST + "/status?format=json")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
