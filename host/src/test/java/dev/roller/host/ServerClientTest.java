package dev.roller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one client roll and foreman use: an answer is taken only whole; anything less passes the server over. */
class ServerClientTest {
  /** A server on 127.0.0.1 that answers each connection with {@code raw} and closes it. */
  private static ServerSocket raw(String raw) throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          s.getInputStream().read(new byte[4096]);
          OutputStream out = s.getOutputStream();
          out.write(raw.getBytes(StandardCharsets.UTF_8));
          out.flush();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return socket;
  }

  private static URI uri(ServerSocket s) {
    return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
  }

  @Test
  void anAnswerCutShortOfItsLengthIsNeverTakenAndTheNextServerIsTried() throws Exception {
    try (ServerSocket cut = raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhost: a.example.com\n");
        ServerSocket whole = raw("HTTP/1.1 200 OK\r\nContent-Length: 20\r\nConnection: close\r\n\r\nhost: b.example.com\n")) {
      List<String> warnings = new ArrayList<>();
      ServerClient client = new ServerClient(List.of(uri(cut), uri(whole)), Duration.ofSeconds(2), Duration.ofSeconds(2),
          warnings::add);

      ServerClient.Response r = client.get("/spec", Map.of(), List.of(), 1 << 20, Duration.ofSeconds(5));

      assertEquals(uri(whole), r.server());
      assertEquals("host: b.example.com\n", r.text());
      assertTrue(warnings.toString().contains("cut short: 20 of 100 bytes"), warnings.toString());

      ServerClient only = new ServerClient(List.of(uri(cut)), Duration.ofSeconds(2), Duration.ofSeconds(2), w -> {});
      ServerClient.Unreachable e = assertThrows(ServerClient.Unreachable.class,
          () -> only.get("/spec", Map.of(), List.of(), 1 << 20, Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }
  }
}
