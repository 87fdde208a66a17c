package dev.roller.pkg.cli;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.tar.Inspection;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.pkg.tar.TarballInspector;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roller-pkg publish FILE --config-server URL --token-file F}. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads a package tarball to a config server, which checks it and stores it once.",
      "The tarball is inspected here first, so a refused package fails before any upload.",
      "Publishing the same bytes again is a no-op; other bytes under a published version are refused."
    })
final class PublishCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A package tarball (.tar.gz).")
  Path file;

  @Option(names = "--config-server", required = true, paramLabel = "URL", description = "The config server, e.g. http://config.example.com:8080")
  URI server;

  @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "A file holding the server's publish token.")
  Path tokenFile;

  @Override
  public Integer call() throws PackageException, IOException, InterruptedException {
    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    Inspection inspection;
    try (InputStream in = Files.newInputStream(file)) {
      inspection = TarballInspector.inspect(in, SafeExtractor.Limits.DEFAULT);
    }
    String id = inspection.manifest().name() + "-" + inspection.manifest().version();
    URI target = server.resolve("/packages/" + inspection.manifest().name() + "/" + inspection.manifest().version());
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofMinutes(10))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/gzip")
        .PUT(HttpRequest.BodyPublishers.ofFile(file))
        .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PackageException("cannot reach " + server + " to publish " + id + ": " + e);
    }
    switch (response.statusCode()) {
      case 201 -> spec.commandLine().getOut().println("published " + id + " " + inspection.sha256());
      case 200 -> spec.commandLine().getOut().println("already published " + id + " " + inspection.sha256() + " (same bytes)");
      default -> throw new PackageException("publishing " + id + " to " + server + " failed: HTTP "
          + response.statusCode() + ": " + errorMessage(response.body()));
    }
    return RollerPkg.OK;
  }

  private static String errorMessage(String body) {
    try {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(body);
      if (doc instanceof Map<?, ?> map && map.get("error") != null) {
        return String.valueOf(map.get("error"));
      }
    } catch (RuntimeException e) {
      // not YAML: show it as it is
    }
    return body.length() > 500 ? body.substring(0, 500) + "..." : body;
  }
}
