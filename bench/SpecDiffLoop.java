import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The impact question answered the slow way: GET /hosts/{fqdn}/spec/diff?from=A&to=B for a random
 * sample of hosts (two at a time, as two cores allow), timed. Prints the milliseconds the sample
 * took and how many of its hosts changed.
 * Usage: java bench/SpecDiffLoop.java BASE_URL HOSTS_FILE FROM TO SAMPLE
 */
public class SpecDiffLoop {
  public static void main(String[] args) throws Exception {
    String base = args[0];
    List<String> hosts = new ArrayList<>(Files.readAllLines(Path.of(args[1])));
    Collections.shuffle(hosts, new Random(7));
    List<String> sample = hosts.subList(0, Math.min(Integer.parseInt(args[4]), hosts.size()));
    HttpClient client = HttpClient.newHttpClient();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long start = System.nanoTime();
    List<Future<Boolean>> changed = new ArrayList<>();
    for (String host : sample) {
      changed.add(pool.submit(() -> {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/hosts/" + host + "/spec/diff?from=" + args[2]
            + "&to=" + args[3] + "&format=json")).build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException(host + ": " + r.statusCode() + " " + r.body());
        }
        return r.body().contains("\"+");
      }));
    }
    int n = 0;
    for (Future<Boolean> f : changed) {
      n += f.get() ? 1 : 0;
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    pool.shutdown();
    System.out.println(ms + " " + n);
  }
}
