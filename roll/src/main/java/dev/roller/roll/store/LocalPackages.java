package dev.roller.roll.store;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.roll.RollException;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.layout.HostLayout;
import dev.roller.roll.spec.HostSpec;
import dev.roller.roll.verify.FileIndex;
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
  public boolean has(HostSpec.Package p) {
    return Files.isDirectory(layout.storeEntry(p.sha256()), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Makes every package of {@code spec} present in the store, downloading the missing ones in
   * parallel; {@code progress} hears each package as it is ready. Returns each package's tree.
   */
  public Map<HostSpec.Package, Path> ensure(List<HostSpec.Package> packages, Consumer<HostSpec.Package> progress)
      throws RollException {
    SafeExtractor.Limits limits = SafeExtractor.Limits.DEFAULT;
    try {
      SafeExtractor.removeLeftovers(layout.store());
    } catch (IOException e) {
      throw new RollException("cannot clean " + layout.store() + ": " + e.getMessage(), e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_DOWNLOADS, Math.max(1, packages.size())));
    try {
      List<Future<Path>> work = new ArrayList<>();
      for (HostSpec.Package p : packages) {
        work.add(pool.submit(() -> {
          Path tree = ensure(p, limits);
          progress.accept(p);
          return tree;
        }));
      }
      Map<HostSpec.Package, Path> trees = new LinkedHashMap<>();
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

  private Path ensure(HostSpec.Package p, SafeExtractor.Limits limits) throws RollException {
    Path tree = layout.storeEntry(p.sha256());
    if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
      unpack(p, limits, tree);
    }
    Path index = layout.storeIndex(p.sha256());
    if (!Files.isRegularFile(index)) {
      try {
        FileIndex.write(index, FileIndex.of(tree, Set.of(".roller")));
      } catch (IOException e) {
        throw new RollException("cannot index " + tree + ": " + e.getMessage(), e);
      }
    }
    return tree;
  }

  private void unpack(HostSpec.Package p, SafeExtractor.Limits limits, Path tree) throws RollException {
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
