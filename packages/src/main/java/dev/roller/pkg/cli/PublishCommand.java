package dev.roller.pkg.cli;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.tar.Inspection;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.pkg.tar.TarballInspector;
import dev.roller.repo.parse.SafeYaml;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roller-pkg publish FILE... --config-server URL --token-file F}. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads package tarballs to a config server, which checks each and stores it once.",
      "Every tarball is inspected here first, so a refused package fails before any upload.",
      "Publishing the same bytes again is a no-op; other bytes under a published version are refused.",
      "With several files, each is tried; the exit code is 1 when any was refused."
    })
final class PublishCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Package tarballs (.tar.gz).")
  List<Path> files;

  @Option(names = "--config-server", required = true, paramLabel = "URL", description = "The config server, e.g. http://config.example.com:8080")
  URI server;

  @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "A file holding the server's publish token.")
  Path tokenFile;

  @Override
  public Integer call() throws PackageException, IOException, InterruptedException {
    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    Map<Path, Inspection> inspected = new LinkedHashMap<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        inspected.put(file, TarballInspector.inspect(in, SafeExtractor.Limits.DEFAULT));
      } catch (PackageException e) {
        throw new PackageException(file + ": " + e.getMessage() + (files.size() > 1 ? " (nothing published)" : ""));
      }
    }
    // HTTP/1.1, as curl: the JDK's HTTP/2 upgrade would hold back the body.
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    int refused = 0;
    for (Map.Entry<Path, Inspection> e : inspected.entrySet()) {
      try {
        publish(client, token, e.getKey(), e.getValue());
      } catch (PackageException failure) {
        if (inspected.size() == 1) {
          throw failure;
        }
        spec.commandLine().getErr().println("roller-pkg: " + failure.getMessage());
        refused++;
      }
    }
    if (refused > 0) {
      spec.commandLine().getErr().println("roller-pkg: " + refused + " of " + inspected.size() + " packages not published");
      return RollerPkg.REFUSED;
    }
    return RollerPkg.OK;
  }

  private void publish(HttpClient client, String token, Path file, Inspection inspection)
      throws PackageException, IOException, InterruptedException {
    String id = inspection.manifest().name() + "-" + inspection.manifest().version();
    URI target = server.resolve("/packages/" + inspection.manifest().name() + "/" + inspection.manifest().version());
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
  }

  private static String errorMessage(String body) {
    try {
      Object doc = SafeYaml.load(body, SafeYaml.Limits.of(1 << 20));
      if (doc instanceof Map<?, ?> map && map.get("error") != null) {
        return String.valueOf(map.get("error"));
      }
    } catch (SafeYaml.Refused e) {
      // not YAML: show it as it is
    }
    return body.length() > 500 ? body.substring(0, 500) + "..." : body;
  }
}
