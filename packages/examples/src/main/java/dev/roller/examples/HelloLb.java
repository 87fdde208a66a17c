package dev.roller.examples;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * hello-lb: a round-robin HTTP load balancer over the backends in its rendered config (one
 * {@code backend=host:port} line per peer). {@code /health} answers ok while it listens; other
 * paths are forwarded, skipping a backend that does not answer.
 */
public final class HelloLb {
  private HelloLb() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: hello-lb CONFIG_FILE");
      System.exit(2);
    }
    HttpServer server = start(Path.of(args[0]));
    System.out.println("hello-lb listening on " + server.getAddress());
  }

  /** Starts balancing as {@code configFile} says; the caller stops the returned server. */
  static HttpServer start(Path configFile) throws IOException {
    Config config = new Config(configFile);
    List<String> backends = config.all("backend");
    int port = Integer.parseInt(config.get("port"));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    AtomicInteger next = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(config.get("bind"), port), 64);
    server.createContext("/health", exchange -> HelloWeb.send(exchange, 200, "ok\n"));
    server.createContext("/", exchange -> {
      for (int tries = 0; tries < backends.size(); tries++) {
        String backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
        try {
          HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + backend + exchange.getRequestURI()))
              .timeout(Duration.ofSeconds(5)).build();
          HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
          HelloWeb.send(exchange, response.statusCode(), response.body());
          return;
        } catch (IOException e) {
          // try the next backend
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      HelloWeb.send(exchange, 502, "no backend answered (" + backends.size() + " configured)\n");
    });
    server.start();
    return server;
  }
}
