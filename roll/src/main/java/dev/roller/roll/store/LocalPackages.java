package dev.roller.roll.store;

import dev.roller.host.HostLayout;
import dev.roller.pkg.PackageException;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.repo.spec.Spec;
import dev.roller.roll.RollException;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.verify.FileIndex;
import dev.roller.roll.verify.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The host's packages: tarballs downloaded once into {@code var/cache/roller/<sha256>.tar.gz}
 * (verified while they stream) and unpacked once into {@code var/lib/roller/store/<sha256>/}
 * (every extraction rule applied; the entry appears only when complete), with the sha256 of each
 * of its files in {@code store/<sha256>.files}. An entry's name is its content's sha256, so an
 * existing one is never fetched again.
 *
 * <p>Entries are read-only (files 0444 or 0555, folders 0555): generations hard-link their files,
 * so a write through {@code /usr/local} would change the store, and every generation built from it.
 * Root can still write; {@link #ensure} with {@code repair} then checks each entry against its index
 * and unpacks a damaged one again from the cached tarball (downloaded again if the cache lost it).
 */
public final class LocalPackages {
  private static final int PARALLEL_DOWNLOADS = 4;

  private final HostLayout layout;
  private final ConfigServerClient client;

  public LocalPackages(HostLayout layout, ConfigServerClient client) {
    this.layout = layout;
    this.client = client;
  }

  /** Whether {@code p} is unpacked in the store already. */
  public boolean has(Spec.Package p) {
    return Files.isDirectory(layout.storeEntry(p.sha256()), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Makes every package of {@code spec} present in the store, downloading the missing ones in
   * parallel; {@code progress} hears each package as it is ready. Returns each package's tree.
   */
  public Map<Spec.Package, Path> ensure(List<Spec.Package> packages, Consumer<Spec.Package> progress)
      throws RollException {
    return ensure(packages, progress, false);
  }

  /**
   * As above; with {@code repair}, each entry already in the store is first checked file by file
   * against its index, and one that differs is unpacked again (what roll does when the current
   * generation does not verify: its damage may be in the shared store).
   */
  public Map<Spec.Package, Path> ensure(List<Spec.Package> packages, Consumer<Spec.Package> progress,
      boolean repair) throws RollException {
    SafeExtractor.Limits limits = SafeExtractor.Limits.DEFAULT;
    try {
      SafeExtractor.removeLeftovers(layout.store());
    } catch (IOException e) {
      throw new RollException("cannot clean " + layout.store() + ": " + e.getMessage(), e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_DOWNLOADS, Math.max(1, packages.size())));
    try {
      List<Future<Path>> work = new ArrayList<>();
      for (Spec.Package p : packages) {
        work.add(pool.submit(() -> {
          if (repair) {
            repair(p);
          }
          Path tree = ensure(p, limits);
          progress.accept(p);
          return tree;
        }));
      }
      Map<Spec.Package, Path> trees = new LinkedHashMap<>();
      for (int i = 0; i < packages.size(); i++) {
        trees.put(packages.get(i), work.get(i).get());
      }
      return trees;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RollException cause) {
        throw cause;
      }
      throw new RollException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RollException("interrupted while fetching packages", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private Path ensure(Spec.Package p, SafeExtractor.Limits limits) throws RollException {
    Path tree = layout.storeEntry(p.sha256());
    if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
      unpack(p, limits, tree);
    }
    Path index = layout.storeIndex(p.sha256());
    if (!Files.isRegularFile(index)) {
      try {
        readOnly(tree);
        FileIndex.write(index, FileIndex.of(tree, Set.of(".roller")));
      } catch (IOException e) {
        // An entry is whole only with its index: without one (a full disk, say) it goes, and is unpacked again.
        try {
          dev.roller.roll.generation.Trees.delete(tree);
        } catch (IOException ignored) {
          // the next roll indexes or replaces it
        }
        throw new RollException("cannot index " + tree + ": " + e.getMessage(), e);
      }
    }
    return tree;
  }

  /** What {@link #repair} found and mended, for the log: one line per damaged entry. */
  private final List<String> repaired = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The entries {@link #ensure} unpacked again because they did not match their index. */
  public List<String> repaired() {
    return List.copyOf(repaired);
  }

  /** Drops {@code p}'s entry if a file in it differs from its index, so {@link #ensure} unpacks it again. */
  private void repair(Spec.Package p) throws RollException {
    Path tree = layout.storeEntry(p.sha256());
    Path index = layout.storeIndex(p.sha256());
    if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(index)) {
      return;
    }
    try {
      List<String> problems = Verifier.check(tree, FileIndex.read(index), true).stream()
          .filter(problem -> !problem.startsWith("added: .roller")).toList();
      if (problems.isEmpty()) {
        return;
      }
      repaired.add(p.ref() + " in the store was damaged (" + problems.get(0)
          + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "") + "): unpacked again");
      Files.delete(index);
      dev.roller.roll.generation.Trees.delete(tree);
    } catch (IOException e) {
      throw new RollException("cannot check " + p.ref() + " in " + tree + ": " + e.getMessage(), e);
    }
  }

  /** Takes every write bit off a freshly unpacked entry: files 0444 or 0555, folders 0555. */
  static void readOnly(Path tree) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) walk::iterator) {
        if (Files.isSymbolicLink(path)) {
          continue;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(path);
          continue;
        }
        Set<java.nio.file.attribute.PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.remove(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)
            | mode.remove(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
            | mode.remove(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
          Files.setPosixFilePermissions(path, mode);
        }
      }
    }
    // Folders last, deepest first: a folder made read-only first would keep its children from changing.
    java.util.Collections.reverse(dirs);
    for (Path dir : dirs) {
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    }
  }

  private void unpack(Spec.Package p, SafeExtractor.Limits limits, Path tree) throws RollException {
    Path tarball = layout.cachedTarball(p.sha256());
    if (!Files.isRegularFile(tarball)) {
      client.download(p, tarball);
    }
    try (InputStream in = Files.newInputStream(tarball)) {
      new SafeExtractor(limits).extract(in, p.sha256(), tree);
    } catch (PackageException e) {
      // A damaged cache file must not stick: drop it, so the next roll downloads it again.
      deleteQuietly(tarball);
      throw new RollException(p.ref() + " refused: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new RollException("cannot unpack " + p.ref() + " into " + tree + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // reported with the refusal that brought us here
    }
  }
}
