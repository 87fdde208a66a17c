package dev.roller.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * hello-web: answers {@code /health} with {@code ok} and {@code /} with its greeting, host,
 * version and workers, all from its rendered config file, re-read on every request (so a
 * rendered-config change needs no restart).
 */
public final class HelloWeb {
  private HelloWeb() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: hello-web CONFIG_FILE");
      System.exit(2);
    }
    HttpServer server = start(Path.of(args[0]));
    Config config = new Config(Path.of(args[0]));
    System.out.println("hello-web " + config.get("version") + " listening on " + server.getAddress());
  }

  /** Starts serving as {@code configFile} says; the caller stops the returned server. */
  static HttpServer start(Path configFile) throws IOException {
    Config config = new Config(configFile);
    int port = Integer.parseInt(config.get("port"));
    HttpServer server = HttpServer.create(new InetSocketAddress(config.get("bind"), port), 64);
    server.createContext("/health", exchange -> send(exchange, 200, "ok\n"));
    server.createContext("/", exchange -> {
      Config now = new Config(configFile);
      send(exchange, 200, now.get("greeting") + "\nhost: " + now.get("host") + "\nversion: " + now.get("version")
          + "\nworkers: " + now.get("workers") + "\n");
    });
    server.start();
    return server;
  }

  static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
