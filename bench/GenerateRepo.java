import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a large, valid config repo for benchmarks: java bench/GenerateRepo.java DIR HOSTS HOSTCLASSES.
 * Deterministic (fixed seed): the same arguments give the same files.
 */
public class GenerateRepo {
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: java GenerateRepo.java DIR HOSTS HOSTCLASSES");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int hosts = Integer.parseInt(args[1]);
    int hostclasses = Integer.parseInt(args[2]);
    int datacenters = 10;
    int users = 500;
    Random random = new Random(42);
    for (String folder : new String[] {"datacenters", "hostclasses", "hosts", "users"}) {
      Files.createDirectories(dir.resolve(folder));
    }
    for (int d = 0; d < datacenters; d++) {
      write(dir, "datacenters/dc" + d + ".yml", "description: datacenter " + d + "\nparams:\n"
          + "  ntp_server: ntp1.dc" + d + ".example.com\n  region: dc" + d + "\n  dns_resolvers: [10." + d + ".0.2, 10." + d + ".0.3]\n");
    }
    for (int c = 0; c < hostclasses; c++) {
      StringBuilder s = new StringBuilder("description: hostclass " + c + "\npackages:\n");
      for (int p = 0; p < 5; p++) {
        s.append("  pkg").append((c * 7 + p) % 300).append(": 1.").append(p).append(".").append(c % 10).append('\n');
      }
      s.append("  foreman: 1.0.0\nparams:\n");
      for (int p = 0; p < 5; p++) {
        s.append("  param").append(p).append(": value-").append(c).append('-').append(p).append('\n');
      }
      s.append("  listen_port: ").append(8000 + c).append('\n');
      if (c > 0) {
        s.append("peers: [hc").append(c - 1).append("]\n");
      }
      write(dir, "hostclasses/hc" + c + ".yml", s.toString());
    }
    for (int h = 0; h < hosts; h++) {
      int c = random.nextInt(hostclasses);
      int d = random.nextInt(datacenters);
      StringBuilder s = new StringBuilder("hostclass: hc" + c + "\ndatacenter: dc" + d + "\nparams:\n  workers: "
          + (1 + random.nextInt(32)) + "\n  rack: r" + random.nextInt(100) + "\n");
      if (h % 20 == 0) {
        s.append("packages:\n  pkg").append((c * 7) % 300).append(": 2.0.0-canary\n");
      }
      write(dir, "hosts/host" + h + ".dc" + d + ".example.com.yml", s.toString());
    }
    for (int u = 0; u < users; u++) {
      write(dir, "users/user" + u + ".yml", "uid: " + (3000 + u) + "\ncomment: User " + u + "\ngroups: [dev]\n"
          + "ssh_keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxzl5+CMvPkhiW/T1sjPQczvd3mCiI1MU+dTBpxMJfd user" + u + "\n"
          + "hostclasses: [hc" + (u % hostclasses) + ", hc" + ((u * 3 + 1) % hostclasses) + "]\n");
    }
  }

  private static void write(Path dir, String path, String text) throws IOException {
    Files.write(dir.resolve(path), text.getBytes(StandardCharsets.UTF_8));
  }
}
