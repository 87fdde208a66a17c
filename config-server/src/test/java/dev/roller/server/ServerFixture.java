package dev.roller.server;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.store.PackageStore;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.repo.TestRepo;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A config server on 127.0.0.1 over a real git repo and a filesystem store, and an HTTP client for it. */
final class ServerFixture implements AutoCloseable {
  static final String TOKEN = "test-token-0123456789";

  final TestRepo repo;
  final Path dir;
  final ConfigServerApp app;
  final String base;
  /** HTTP/1.1, as curl and roll speak to the server (the JDK's default HTTP/2 upgrade holds back bodies of unknown length). */
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ServerFixture(TestRepo repo, Path dir, ConfigServerApp app) {
    this.repo = repo;
    this.dir = dir;
    this.app = app;
    this.base = "http://127.0.0.1:" + app.port();
  }

  /** A server over {@code repo} (committed already); it has loaded the branch head when this returns. */
  static ServerFixture start(TestRepo repo, Path dir, PackageStore store, String token) throws Exception {
    return start(repo, dir, store, token, ConfigServerApp.defaultWorkers());
  }

  static ServerFixture start(TestRepo repo, Path dir, PackageStore store, String token, int workers) throws Exception {
    return start(repo, dir, store, token, ServerLimits.defaults().withWorkers(workers));
  }

  static ServerFixture start(TestRepo repo, Path dir, PackageStore store, String token, ServerLimits limits) throws Exception {
    return start(repo, dir, store, token, limits, Duration.ofHours(1));
  }

  /** As above, polling the repo and the store's reports every {@code poll}. */
  static ServerFixture start(TestRepo repo, Path dir, PackageStore store, String token, ServerLimits limits, Duration poll)
      throws Exception {
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    ConfigServerApp app = ConfigServerApp.start(snapshots, store, token, dir.resolve("uploads"), "127.0.0.1", 0, poll, limits);
    snapshots.refresh();
    return new ServerFixture(repo, dir, app);
  }

  static ServerFixture start(TestRepo repo, Path dir) throws Exception {
    return start(repo, dir, new FilesystemStore(dir.resolve("store")), TOKEN);
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Builds a package named {@code name}-{@code version} with one file, for publishing. */
  BuiltPackage build(String name, String version, String content) throws Exception {
    Path tree = Files.createDirectories(dir.resolve("src/" + name + "-" + version + "-" + content.hashCode()));
    Files.createDirectories(tree.resolve(".roller"));
    Files.writeString(tree.resolve(".roller/package.yml"), "name: " + name + "\nversion: " + version + "\n");
    Files.createDirectories(tree.resolve("share"));
    Files.writeString(tree.resolve("share/" + name + ".txt"), content);
    return PackageBuilder.build(tree, dir.resolve("built/" + content.hashCode()));
  }

  HttpResponse<String> publish(BuiltPackage built, String token) throws Exception {
    String path = "/packages/" + built.manifest().name() + "/" + built.manifest().version();
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofFile(built.file());
    return token == null ? send("PUT", path, body) : send("PUT", path, body, "Authorization", "Bearer " + token);
  }

  /** The message of an {@code error: <message>} body. */
  static String error(HttpResponse<String> response) {
    Object doc = new org.yaml.snakeyaml.Yaml().load(response.body());
    return (String) ((java.util.Map<?, ?>) doc).get("error");
  }

  @Override
  public void close() {
    app.close();
    repo.close();
  }
}
