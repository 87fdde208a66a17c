package dev.roller.roll.generation;

import dev.roller.pkg.manifest.Manifest;
import dev.roller.repo.model.PackageRef;
import dev.roller.roll.RollException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays packages' trees (each unpacked once in the store) into a new generation: folders are made,
 * files are hard links to the store (no copy), symbolic links are recreated, and {@code .tmpl}
 * files are left to be rendered (their output path is reserved). A package's manifest stays in
 * the store. Two packages shipping one path is refused, naming both.
 */
public final class TreeBuilder {
  /** A package to lay down: its name-version and its unpacked tree in the store. */
  public record Source(PackageRef ref, Path tree) {}

  /** A template found in a package: its output path (without {@code .tmpl}), its source, its package. */
  public record Template(String path, Path source, PackageRef owner) {}

  private static final String TEMPLATE_SUFFIX = ".tmpl";
  private static final String MANIFEST_DIR = Manifest.PATH.substring(0, Manifest.PATH.indexOf('/'));

  private TreeBuilder() {}

  /** Lays {@code packages} into {@code into} (an empty folder); returns the templates to render, in package order. */
  public static List<Template> build(List<Source> packages, Path into) throws RollException, IOException {
    Map<String, PackageRef> files = new HashMap<>();
    Map<String, PackageRef> dirs = new HashMap<>();
    Set<Path> made = new HashSet<>();
    List<Template> templates = new ArrayList<>();
    for (Source source : packages) {
      List<RollException> conflict = new ArrayList<>();
      Files.walkFileTree(source.tree(), new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          String rel = relative(source.tree(), dir);
          if (rel.isEmpty()) {
            return FileVisitResult.CONTINUE;
          }
          if (rel.equals(MANIFEST_DIR)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          PackageRef other = files.get(rel);
          if (other != null) {
            conflict.add(conflict(rel, other, source.ref()));
            return FileVisitResult.TERMINATE;
          }
          dirs.putIfAbsent(rel, source.ref());
          Path target = into.resolve(rel);
          if (made.add(target)) {
            Files.createDirectories(target);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String rel = relative(source.tree(), file);
          boolean template = attrs.isRegularFile() && rel.endsWith(TEMPLATE_SUFFIX);
          String out = template ? rel.substring(0, rel.length() - TEMPLATE_SUFFIX.length()) : rel;
          PackageRef other = files.containsKey(out) ? files.get(out) : dirs.get(out);
          if (other != null) {
            conflict.add(conflict(out, other, source.ref()));
            return FileVisitResult.TERMINATE;
          }
          files.put(out, source.ref());
          Path target = into.resolve(out);
          if (template) {
            templates.add(new Template(out, file, source.ref()));
          } else if (attrs.isSymbolicLink()) {
            Files.createSymbolicLink(target, Files.readSymbolicLink(file));
          } else {
            Files.createLink(target, file);
          }
          return FileVisitResult.CONTINUE;
        }
      });
      if (!conflict.isEmpty()) {
        throw conflict.get(0);
      }
    }
    return templates;
  }

  private static RollException conflict(String path, PackageRef first, PackageRef second) {
    return new RollException("path conflict: " + path + " is shipped by both " + first + " and " + second
        + " (two packages cannot ship one path; change one of them)");
  }

  private static String relative(Path root, Path file) {
    StringBuilder path = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }
}
