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
 * hosts download) a spec of hundreds of megabytes out of a few aliases in a small file. A spec's
 * size is measured as its JSON would be, without resolving it: each file's params once, then per
 * host the three files' params, its packages and its peers' params (an upper bound: a key the host
 * overrides is counted twice). Cost: one pass over the files, then a few additions per host.
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

  private void check(Consumer<Problem> out) {
    Map<String, Long> ownParams = new HashMap<>();
    for (Host host : repo.hosts().values()) {
      ownParams.put(host.name(), params(repo.datacenters().get(host.datacenter()).params())
          + params(repo.hostclasses().get(host.hostclass()).params()) + params(host.params()) + host.name().length());
    }
    Map<String, Long> peerSizes = new HashMap<>();
    Map<String, Over> over = new LinkedHashMap<>();
    for (Host host : repo.hosts().values()) {
      Datacenter datacenter = repo.datacenters().get(host.datacenter());
      Hostclass hostclass = repo.hostclasses().get(host.hostclass());
      long size = 200 + ownParams.get(host.name())
          + (long) PER_PACKAGE * SpecResolver.packageVersions(hostclass, host).size();
      Culprit culprit = largest(datacenter.params(), datacenter.origin(), null);
      culprit = largest(hostclass.params(), hostclass.origin(), culprit);
      culprit = largest(host.params(), host.origin(), culprit);
      List<String> peers = hostclass.peers();
      for (int i = 0; i < peers.size(); i++) {
        String peerClass = peers.get(i);
        long peerSize = peerSizes.computeIfAbsent(peerClass + '\0' + host.datacenter(), k -> {
          long total = 0;
          for (String peer : repo.index().hosts(peerClass, host.datacenter())) {
            total += ownParams.get(peer) + 20;
          }
          return total;
        });
        size += peerSize;
        if (culprit == null || peerSize > culprit.size()) {
          culprit = new Culprit(hostclass.origin().path(), hostclass.origin().line("peers." + i),
              "the peers of hostclass " + peerClass + " in " + host.datacenter(), peerSize);
        }
      }
      if (size > max && culprit != null) {
        String key = culprit.path() + ':' + culprit.line();
        Over seen = over.get(key);
        over.put(key, seen == null ? new Over(culprit, host.name(), size, 1)
            : new Over(culprit, seen.firstHost(), Math.max(size, seen.size()), seen.hosts() + 1));
      }
    }
    over.values().forEach(o -> out.accept(new Problem(o.culprit().path(), o.culprit().line(), "the spec of "
        + o.firstHost() + (o.hosts() > 1 ? " (and " + (o.hosts() - 1) + " more hosts)" : "") + " would be about "
        + bytes(o.size()) + ", over the limit of " + bytes(max) + "; " + o.culprit().what() + " alone "
        + (o.culprit().what().startsWith("the peers") ? "are " : "is ") + bytes(o.culprit().size())
        + ": write less (an alias repeats its anchor's value in full)")));
  }

  private Culprit largest(Map<String, Object> params, Origin origin, Culprit sofar) {
    Culprit best = sofar;
    for (Map.Entry<String, Object> e : params.entrySet()) {
      long size = measure(e.getValue());
      if (best == null || size > best.size()) {
        best = new Culprit(origin.path(), origin.line("params." + e.getKey()), "params." + e.getKey(), size);
      }
    }
    return best;
  }

  private long params(Map<String, Object> params) {
    return measure(params);
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
