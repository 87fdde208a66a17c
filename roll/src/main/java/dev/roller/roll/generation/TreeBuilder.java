package dev.roller.roll.generation;

import dev.roller.repo.model.PackageRef;
import dev.roller.roll.RollException;
import dev.roller.roll.verify.FileIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lays packages' trees (each unpacked once in the store) into a new generation: folders are made,
 * files are hard links to the store (no copy), symbolic links are recreated, and {@code .tmpl}
 * files are left to be rendered (their output path is reserved). It works from each package's
 * file index (written when the package was unpacked), so the store is not walked again. A
 * package's manifest stays in the store. Two packages shipping one path is refused, naming both.
 */
public final class TreeBuilder {
  /** A package to lay down: its name-version, its unpacked tree in the store and that tree's index. */
  public record Source(PackageRef ref, Path tree, List<FileIndex.Entry> entries) {
    /** A source indexed now (for trees roll did not unpack itself). */
    public static Source of(PackageRef ref, Path tree) throws IOException {
      return new Source(ref, tree, FileIndex.of(tree, Set.of(MANIFEST_DIR)));
    }
  }

  /** A template found in a package: its output path (without {@code .tmpl}), its source, its package. */
  public record Template(String path, Path source, PackageRef owner) {}

  static final String TEMPLATE_SUFFIX = dev.roller.pkg.tar.TreeRules.TEMPLATE_SUFFIX;
  private static final int LINK_THREADS = 4;
  private static final String MANIFEST_DIR = ".roller";

  private TreeBuilder() {}

  /** Lays {@code packages} into {@code into} (an empty folder); returns the templates to render, in package order. */
  public static List<Template> build(List<Source> packages, Path into) throws RollException, IOException {
    Map<String, PackageRef> files = new HashMap<>();
    Map<String, PackageRef> dirs = new HashMap<>();
    List<Template> templates = new ArrayList<>();
    List<Path[]> links = new ArrayList<>();
    Map<Path, String> modes = new HashMap<>();
    for (Source source : packages) {
      for (FileIndex.Entry e : source.entries()) {
        String rel = e.path();
        if (rel.equals(MANIFEST_DIR) || rel.startsWith(MANIFEST_DIR + "/")) {
          continue;
        }
        if (e.kind() == FileIndex.Entry.DIR) {
          PackageRef other = files.get(rel);
          if (other != null) {
            throw conflict(rel, other, source.ref());
          }
          if (dirs.putIfAbsent(rel, source.ref()) == null) {
            Files.createDirectory(into.resolve(rel));
            modes.put(into.resolve(rel), e.mode());
          }
          continue;
        }
        boolean template = e.kind() == FileIndex.Entry.FILE && rel.endsWith(TEMPLATE_SUFFIX);
        String out = template ? rel.substring(0, rel.length() - TEMPLATE_SUFFIX.length()) : rel;
        PackageRef other = files.containsKey(out) ? files.get(out) : dirs.get(out);
        if (other != null) {
          throw conflict(out, other, source.ref());
        }
        files.put(out, source.ref());
        if (template) {
          templates.add(new Template(out, source.tree().resolve(rel), source.ref()));
        } else if (e.kind() == FileIndex.Entry.LINK) {
          Files.createSymbolicLink(into.resolve(rel), Path.of(e.digest()));
        } else {
          links.add(new Path[] {into.resolve(rel), source.tree().resolve(rel)});
        }
      }
    }
    link(links);
    // Folders get the modes they have in their package (the same as in the store), once filled.
    for (Map.Entry<Path, String> m : modes.entrySet()) {
      Files.setPosixFilePermissions(m.getKey(), PosixFilePermissions.fromString(m.getValue()));
    }
    return templates;
  }

  /**
   * Makes the hard links, on a few threads: each link is one short system call, and a generation
   * is tens of thousands of them.
   */
  private static void link(List<Path[]> links) throws IOException {
    int threads = Math.max(1, Math.min(LINK_THREADS, links.size() / 1000));
    if (threads == 1) {
      for (Path[] l : links) {
        Files.createLink(l[0], l[1]);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Void>> work = new ArrayList<>();
      int chunk = (links.size() + threads - 1) / threads;
      for (int t = 0; t < threads; t++) {
        List<Path[]> part = links.subList(t * chunk, Math.min(links.size(), (t + 1) * chunk));
        work.add(pool.submit(() -> {
          for (Path[] l : part) {
            Files.createLink(l[0], l[1]);
          }
          return null;
        }));
      }
      for (Future<Void> f : work) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while linking", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static RollException conflict(String path, PackageRef first, PackageRef second) {
    return new RollException("path conflict: " + path + " is shipped by both " + first + " and " + second
        + " (two packages cannot ship one path; change one of them)");
  }
}
