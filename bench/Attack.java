import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attacker's side of bench/server-attack.sh, in its own process: opens IDLE connections that
 * never send a byte and SLOW request bodies that drip one byte every 2 s (half reports, half
 * package uploads), then, while they are all open, measures on fresh connections: /health
 * (HEALTH requests), a host's spec and a tarball (20 each). Prints one line per figure:
 * {@code idle N}, {@code health_p99_ms X}, {@code spec_max_ms X}, {@code tarball_max_ms X}, and
 * {@code failed N} for answers that were not 200.
 * Usage: java bench/Attack.java PORT IDLE SLOW HEALTH SPEC_PATH TARBALL_PATH TOKEN
 */
public class Attack {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int idle = Integer.parseInt(args[1]);
    int slow = Integer.parseInt(args[2]);
    int healthRequests = Integer.parseInt(args[3]);
    String specPath = args[4];
    String tarballPath = args[5];
    String token = args[6];
    List<Socket> open = new ArrayList<>();
    int opened = 0;
    for (int i = 0; i < idle; i++) {
      try {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        open.add(s);
        opened++;
      } catch (IOException e) {
        System.err.println("attack: connection " + i + " refused: " + e.getMessage());
        break;
      }
    }
    List<OutputStream> drips = new ArrayList<>();
    for (int i = 0; i < slow; i++) {
      Socket s = new Socket("127.0.0.1", port);
      open.add(s);
      String head = i % 2 == 0
          ? "POST /hosts/web3.us-west-1.example.com/report HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
          : "PUT /packages/slow/1." + i + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
              + "\r\nContent-Length: 100000\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      drips.add(s.getOutputStream());
    }
    Thread dripper = new Thread(() -> {
      for (int round = 0; round < 60; round++) { // bounded: two minutes at most
        for (OutputStream out : drips) {
          try {
            out.write('x');
            out.flush();
          } catch (IOException e) {
            // cut off by the server: that is its right
          }
        }
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    dripper.setDaemon(true);
    dripper.start();
    Thread.sleep(500); // let the slow bodies reach the server before measuring

    int[] failed = {0};
    long[] health = new long[healthRequests];
    for (int i = 0; i < healthRequests; i++) {
      health[i] = get(port, "/health", failed);
    }
    long specMax = 0;
    long tarballMax = 0;
    for (int i = 0; i < 20; i++) {
      specMax = Math.max(specMax, get(port, specPath, failed));
      tarballMax = Math.max(tarballMax, get(port, tarballPath, failed));
    }
    Arrays.sort(health);
    System.out.println("idle " + opened);
    System.out.println("health_p99_ms " + ms(health[(int) Math.ceil(health.length * 0.99) - 1]));
    System.out.println("spec_max_ms " + ms(specMax));
    System.out.println("tarball_max_ms " + ms(tarballMax));
    System.out.println("failed " + failed[0]);
    for (Socket s : open) {
      s.close();
    }
  }

  /** One GET on a fresh connection, read to the end; its time in nanoseconds (10 s read timeout). */
  private static long get(int port, String path, int[] failed) throws IOException {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] status = in.readNBytes(12);
      if (!new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
        failed[0]++;
      }
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      failed[0]++;
    }
    return System.nanoTime() - start;
  }

  private static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
