import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Polls a URL as fast as it answers until a stop file appears (or 120 s pass), then prints the
 * longest time in milliseconds without an answer (from the end of one successful request to the
 * start of the next one that succeeded): the outage a client saw.
 * Usage: java bench/Poll.java URL STOP_FILE
 */
public class Poll {
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    Path stop = Path.of(args[1]);
    long deadline = System.nanoTime() + 120_000_000_000L;
    long last = -1;
    long longest = 0;
    boolean told = false;
    while (!Files.exists(stop) && System.nanoTime() < deadline) {
      long started = System.nanoTime();
      boolean ok = false;
      try {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        // Short enough that a request caught by the restart does not hide that the service is
        // back, long enough that an answer slowed by the roll's own work (two cores) is an answer.
        c.setConnectTimeout(50);
        c.setReadTimeout(200);
        ok = c.getResponseCode() == 200;
        try (InputStream in = c.getInputStream()) {
          in.readAllBytes();
        }
        c.disconnect();
      } catch (Exception e) {
        ok = false;
      }
      long now = System.nanoTime();
      if (ok) {
        // From the end of the last answer to the start of the request that got this one.
        if (last >= 0) {
          longest = Math.max(longest, started - last);
        }
        last = now;
        if (!told) {
          System.out.println("polling");
          System.out.flush();
          told = true;
        }
      } else {
        Thread.sleep(1);
      }
    }
    System.out.println(longest / 1_000_000);
  }
}
