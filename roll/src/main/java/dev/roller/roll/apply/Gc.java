package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.roll.RollException;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ServiceManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code roll gc}: removes old generations, keeping the newest {@code keep}, the current one,
 * generation 0 (a blank host's own tree) and any a running service still works in (its working
 * folder, read from {@code /proc}); then the store entries, indexes and cached tarballs no kept
 * generation uses.
 */
public final class Gc {
  /** What was removed. */
  public record Result(List<Integer> generations, int storeEntries) {}

  private final HostLayout layout;
  private final Generations generations;
  private final ServiceManager manager;
  private final Log log;

  public Gc(HostLayout layout, Generations generations, ServiceManager manager, Log log) {
    this.layout = layout;
    this.generations = generations;
    this.manager = manager;
    this.log = log;
  }

  public Result run(int keep) throws IOException, RollException {
    List<Integer> all = generations.list();
    Set<Integer> kept = new TreeSet<>();
    kept.add(0);
    generations.current().ifPresent(kept::add);
    for (int i = Math.max(0, all.size() - keep); i < all.size(); i++) {
      kept.add(all.get(i));
    }
    Set<Integer> inUse = inUse(all);
    List<Integer> removed = new ArrayList<>();
    for (int n : all) {
      if (kept.contains(n)) {
        continue;
      }
      if (inUse.contains(n)) {
        log.info("keeping generation " + n + ": a running service works in it");
        kept.add(n);
        continue;
      }
      generations.delete(n);
      removed.add(n);
    }
    Set<String> used = new HashSet<>();
    for (int n : kept) {
      if (Files.isDirectory(layout.generation(n))) {
        GenerationRecord rec = GenerationRecord.read(layout.generation(n));
        if (rec != null) {
          rec.packages().forEach(p -> used.add(p.sha256().hex()));
        }
      }
    }
    int entries = sweep(layout.store(), used) + sweep(layout.cache(), used);
    if (!removed.isEmpty() || entries > 0) {
      log.info("gc: removed generations " + removed + " and " + entries + " store and cache entries");
    }
    return new Result(removed, entries);
  }

  /** Generations that running services have as their working folder. */
  private Set<Integer> inUse(List<Integer> all) {
    Set<Integer> out = new HashSet<>();
    for (long pid : manager.pids()) {
      try {
        Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
        for (int n : all) {
          if (cwd.startsWith(layout.generation(n))) {
            out.add(n);
          }
        }
      } catch (IOException | UnsupportedOperationException e) {
        // gone, or not ours to read: nothing to keep for it
      }
    }
    return out;
  }

  /** Removes {@code dir}'s entries named by a sha256 that is not in {@code used}; returns how many packages went. */
  private static int sweep(Path dir, Set<String> used) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    Set<String> gone = new HashSet<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (name.length() < 64 || !name.substring(0, 64).matches("[0-9a-f]{64}")) {
          continue;
        }
        String sha = name.substring(0, 64);
        if (used.contains(sha)) {
          continue;
        }
        dev.roller.roll.generation.Trees.delete(child);
        gone.add(sha);
      }
    }
    return gone.size();
  }
}
