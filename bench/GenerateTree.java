import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a package tree for benchmarks: java bench/GenerateTree.java DIR FILES TOTAL_MB.
 * Deterministic. Files are text-like (about 3:1 under gzip) in 100 folders, sizes spread around
 * the mean, with a manifest so roller-pkg can build it.
 */
public class GenerateTree {
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int files = Integer.parseInt(args[1]);
    long total = Long.parseLong(args[2]) << 20;
    Random random = new Random(7);
    String[] words = new String[4096];
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      for (int j = 0, n = 2 + random.nextInt(9); j < n; j++) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      words[i] = w.toString();
    }
    Files.createDirectories(dir.resolve(".roller"));
    Files.writeString(dir.resolve(".roller/package.yml"), "name: bench-tree\nversion: 1.0.0\n");
    long mean = total / files;
    byte[] chunk = new byte[1 << 16];
    for (int f = 0; f < files; f++) {
      Path file = dir.resolve("share/d" + (f % 100) + "/file" + f + ".txt");
      Files.createDirectories(file.getParent());
      long size = mean / 2 + (long) (random.nextDouble() * mean);
      try (OutputStream out = Files.newOutputStream(file)) {
        for (long written = 0; written < size; ) {
          int n = 0;
          while (n < chunk.length - 16) {
            byte[] w = (words[random.nextInt(words.length)] + (random.nextInt(12) == 0 ? "\n" : " ")).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(w, 0, chunk, n, w.length);
            n += w.length;
          }
          int take = (int) Math.min(n, size - written);
          out.write(chunk, 0, take);
          written += take;
        }
      }
    }
  }
}
