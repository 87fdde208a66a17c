package dev.roller.roll.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The one request of a no-op roll, made over a plain socket: a conditional {@code GET} that reads
 * only the status line and the headers, on a connection closed after it. The JDK's {@link
 * java.net.HttpURLConnection} sets up proxies, cookies, logging and keep-alive before its first
 * request, which was a tenth of a no-op roll; this is the part of it a {@code 304} needs. Any other
 * answer is left to {@link ConfigServerClient}'s full request. Plain http only, straight to the
 * server: where a proxy stands between, the probe cannot connect and the full request, which
 * follows the JVM's proxy settings, is made instead.
 */
final class NotModifiedProbe {
  /** The most header bytes read: a 304 is a few hundred. */
  private static final int MAX_HEAD = 16 << 10;

  /** What the server answered: its status and its {@code X-Roller-Commit} (null if it sent none). */
  record Answer(int status, String commit) {}

  private NotModifiedProbe() {}

  /**
   * {@code GET uri} with {@code If-None-Match: etag}, bounded by the two timeouts.
   *
   * @throws IOException when the server cannot be reached or its answer is not HTTP
   */
  static Answer get(URI uri, String etag, int connectMillis, int readMillis) throws IOException {
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n"
        + "Host: " + host + (uri.getPort() < 0 ? "" : ":" + port) + "\r\n"
        + "Accept: application/yaml\r\n"
        + "If-None-Match: " + etag + "\r\n"
        + "Connection: close\r\n\r\n";
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(bare, port), connectMillis);
      socket.setSoTimeout(readMillis);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return parse(readHead(socket.getInputStream()));
    }
  }

  /** The bytes up to the blank line that ends the headers. */
  private static String readHead(InputStream in) throws IOException {
    byte[] head = new byte[MAX_HEAD];
    int n = 0;
    while (n < MAX_HEAD) {
      int read = in.read(head, n, MAX_HEAD - n);
      if (read < 0) {
        break;
      }
      n += read;
      for (int i = Math.max(3, n - read); i < n; i++) {
        if (head[i] == '\n' && head[i - 1] == '\r' && head[i - 2] == '\n' && head[i - 3] == '\r') {
          return new String(head, 0, i + 1, StandardCharsets.ISO_8859_1);
        }
      }
    }
    throw new IOException("not an HTTP answer (no end of headers in " + n + " bytes)");
  }

  /** The status and X-Roller-Commit of a response head. */
  static Answer parse(String head) throws IOException {
    int end = head.indexOf("\r\n");
    String statusLine = head.substring(0, end);
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status line: " + statusLine, e);
    }
    String commit = null;
    for (int start = end + 2; start < head.length(); ) {
      int lineEnd = head.indexOf("\r\n", start);
      String line = head.substring(start, lineEnd);
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("X-Roller-Commit")) {
        commit = line.substring(colon + 1).trim();
      }
      start = lineEnd + 2;
    }
    return new Answer(status, commit);
  }
}
