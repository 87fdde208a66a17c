package dev.roller.repo.resolve;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.Problem;
import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.Origin;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Bounds the size of every host's resolved spec, so that no commit can make the server build (and
 * hosts download) a spec of hundreds of megabytes out of a few aliases in a small file. The bound
 * is read without resolving any spec, from each file's size with its aliases expanded (measured
 * once, while the file is parsed: {@code Origin.size()}): per host its three files, its packages
 * and its peers' files, an upper bound (a key the host overrides counts twice). Cost: two passes
 * over the hosts, a few additions each.
 *
 * <p>A host over the bound is a problem at the line of what contributes most to its spec (the
 * largest param, or the peers a hostclass names); hosts over it for the same reason are one problem.
 */
public final class SpecBound {
  /** Roughly what one package adds to a spec: name, version, sha256 and size with their keys. */
  private static final int PER_PACKAGE = 130;

  private final ConfigRepo repo;
  private final long max;
  private final Map<Object, Long> measured = new IdentityHashMap<>();

  private SpecBound(ConfigRepo repo, long max) {
    this.repo = repo;
    this.max = max;
  }

  /** Reports every host whose spec would be over {@code max} bytes. */
  public static void check(ConfigRepo repo, long max, Consumer<Problem> out) {
    new SpecBound(repo, max).check(out);
  }

  private record Culprit(String path, int line, String what, long size) {}

  private record Over(Culprit culprit, String firstHost, long size, int hosts) {}

  /** What every host of one hostclass in one datacenter shares: both files' params, the packages, the peers. */
  private record Group(long size, Culprit peers) {}

  /** The hosts of one hostclass in one datacenter as peers: how many, and their names and own files. */
  private static final class AsPeers {
    long hosts;
    long own;
  }

  private void check(Consumer<Problem> out) {
    // One pass for what each hostclass's hosts in each datacenter add as peers, one to bound every spec.
    Map<String, Map<String, AsPeers>> asPeers = new HashMap<>();
    for (Host host : repo.hosts().values()) {
      AsPeers p = asPeers.computeIfAbsent(host.hostclass(), k -> new HashMap<>())
          .computeIfAbsent(host.datacenter(), k -> new AsPeers());
      p.hosts++;
      p.own += 20 + host.name().length() + host.origin().size();
    }
    Map<String, Map<String, Group>> groups = new HashMap<>();
    Map<String, Over> over = new LinkedHashMap<>();
    for (Host host : repo.hosts().values()) {
      Group group = groups.computeIfAbsent(host.hostclass(), k -> new HashMap<>())
          .computeIfAbsent(host.datacenter(), k -> group(host.hostclass(), host.datacenter(), asPeers));
      long size = group.size() + host.origin().size() + host.name().length()
          + (long) PER_PACKAGE * host.packages().size();
      if (size <= max) {
        continue;
      }
      // Over the bound (rare): find what contributes most, to send the user to its line.
      Datacenter datacenter = repo.datacenters().get(host.datacenter());
      Hostclass hostclass = repo.hostclasses().get(host.hostclass());
      Culprit culprit = larger(larger(largest(datacenter.params(), datacenter.origin()),
          largest(hostclass.params(), hostclass.origin())), largest(host.params(), host.origin()));
      culprit = larger(culprit, group.peers());
      String key = culprit.path() + ':' + culprit.line();
      Over seen = over.get(key);
      over.put(key, seen == null ? new Over(culprit, host.name(), size, 1)
          : new Over(culprit, seen.firstHost(), Math.max(size, seen.size()), seen.hosts() + 1));
    }
    over.values().forEach(o -> out.accept(new Problem(o.culprit().path(), o.culprit().line(), "the spec of "
        + o.firstHost() + (o.hosts() > 1 ? " (and " + (o.hosts() - 1) + " more hosts)" : "") + " would be about "
        + bytes(o.size()) + ", over the limit of " + bytes(max) + "; " + o.culprit().what() + " alone "
        + (o.culprit().what().startsWith("the peers") ? "are " : "is ") + bytes(o.culprit().size())
        + ": write less (an alias repeats its anchor's value in full)")));
  }

  private Group group(String hostclassName, String datacenterName, Map<String, Map<String, AsPeers>> asPeers) {
    Hostclass hostclass = repo.hostclasses().get(hostclassName);
    long datacenterSize = repo.datacenters().get(datacenterName).origin().size();
    long size = 200 + datacenterSize + hostclass.origin().size() + (long) PER_PACKAGE * hostclass.packages().size();
    Culprit largestPeers = null;
    List<String> peers = hostclass.peers();
    for (int i = 0; i < peers.size(); i++) {
      AsPeers p = asPeers.getOrDefault(peers.get(i), Map.of()).get(datacenterName);
      if (p == null) {
        continue;
      }
      // A peer's params are its three files': the datacenter's, its hostclass's, its own.
      long peerSize = p.own + p.hosts * (datacenterSize + repo.hostclasses().get(peers.get(i)).origin().size());
      size += peerSize;
      largestPeers = larger(largestPeers, new Culprit(hostclass.origin().path(), hostclass.origin().line("peers." + i),
          "the peers of hostclass " + peers.get(i) + " in " + datacenterName, peerSize));
    }
    return new Group(size, largestPeers);
  }

  private static Culprit larger(Culprit a, Culprit b) {
    return a == null || (b != null && b.size() > a.size()) ? b : a;
  }

  /** The largest of {@code params}, or null when there are none. */
  private Culprit largest(Map<String, Object> params, Origin origin) {
    Culprit best = null;
    for (Map.Entry<String, Object> e : params.entrySet()) {
      long size = measure(e.getValue());
      if (best == null || size > best.size()) {
        best = new Culprit(origin.path(), origin.line("params." + e.getKey()), "params." + e.getKey(), size);
      }
    }
    return best;
  }

  /** The length of {@code value} as JSON (near enough: escapes not counted), each collection measured once. */
  private long measure(Object value) {
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      Long known = measured.get(value);
      if (known != null) {
        return known;
      }
      long size = 2;
      if (value instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          size += String.valueOf(e.getKey()).length() + 4 + measure(e.getValue());
        }
      } else {
        for (Object item : (List<?>) value) {
          size += 1 + measure(item);
        }
      }
      measured.put(value, size);
      return size;
    }
    return value instanceof String s ? s.length() + 2 : String.valueOf(value).length();
  }

  /** {@code n} bytes as people read it: 1,048,576 bytes is "1 MiB". */
  static String bytes(long n) {
    if (n >= 1 << 20) {
      return String.format(java.util.Locale.ROOT, n % (1 << 20) == 0 ? "%.0f MiB" : "%.1f MiB", n / (double) (1 << 20));
    }
    if (n >= 1 << 10) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", n / (double) (1 << 10));
    }
    return n + " bytes";
  }
}
