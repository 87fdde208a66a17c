import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parks N long-polls on a config server (GET /hosts/{fqdn}/spec?wait=5m with each host's current
 * ETag, one connection each, hosts from a file), waits until /health counts them parked, then
 * times 2,000 GET /health one after another (after 1,000 to warm up) and, while they are still parked, has jcmd measure the
 * server's live heap (a full GC first). Prints "parked p50_ms p99_ms busy_workers heap_mib".
 * Usage: java ParkedPolls.java BASE_URL HOSTS_FILE N SERVER_PID
 */
public class ParkedPolls {
  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    List<String> hosts = Files.readAllLines(Path.of(args[1]));
    int n = Integer.parseInt(args[2]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String host = hosts.get(i % hosts.size());
      HttpResponse<String> spec = http.send(HttpRequest.newBuilder(base.resolve("/hosts/" + host + "/spec")).build(),
          HttpResponse.BodyHandlers.ofString());
      String etag = spec.headers().firstValue("ETag").orElseThrow();
      Socket s = new Socket();
      s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /hosts/" + host + "/spec?wait=5m HTTP/1.1\r\nHost: " + base.getHost() + "\r\nIf-None-Match: " + etag
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      sockets.add(s);
    }
    String health = "";
    int parked = 0;
    for (int i = 0; i < 600 && parked < n; i++) { // up to a minute for the server to park them all
      health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
      parked = number(health, "parked: ");
      if (parked < n) {
        Thread.sleep(100);
      }
    }
    for (int i = 0; i < 1000; i++) { // warm up both sides' JIT, as a long-running server is
      http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
    }
    long[] nanos = new long[2000];
    for (int i = 0; i < nanos.length; i++) {
      long t = System.nanoTime();
      health = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    int busy = number(health, "busy: ");
    run("jcmd", args[3], "GC.run");
    String heap = run("jcmd", args[3], "GC.heap_info");
    java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heap);
    long heapMib = used.find() ? Long.parseLong(used.group(1)) / 1024 : -1;
    System.out.printf("%d %.2f %.2f %d %d%n", number(health, "parked: "), nanos[nanos.length / 2] / 1e6,
        nanos[nanos.length * 99 / 100] / 1e6, busy, heapMib);
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return text;
  }

  private static int number(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return -1;
    }
    int end = at + key.length();
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return Integer.parseInt(text.substring(at + key.length(), end));
  }
}
