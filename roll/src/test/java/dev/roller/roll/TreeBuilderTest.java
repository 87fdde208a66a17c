package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.repo.model.PackageRef;
import dev.roller.roll.generation.TreeBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generations are laid from real packages, built and unpacked into a store as roll does. */
class TreeBuilderTest {
  @TempDir Path dir;

  /** Builds a package from {@code files} (path, content; a value starting with "-> " is a link) and unpacks it. */
  private TreeBuilder.Source unpacked(String name, String version, String... files) throws Exception {
    Path tree = dir.resolve("src/" + name);
    Files.createDirectories(tree.resolve(".roller"));
    Files.writeString(tree.resolve(".roller/package.yml"), "name: " + name + "\nversion: " + version + "\n");
    for (int i = 0; i < files.length; i += 2) {
      Path file = tree.resolve(files[i]);
      Files.createDirectories(file.getParent());
      if (files[i + 1].startsWith("-> ")) {
        Files.createSymbolicLink(file, Path.of(files[i + 1].substring(3)));
      } else {
        Files.writeString(file, files[i + 1]);
      }
    }
    BuiltPackage built = PackageBuilder.build(tree, dir.resolve("tarballs"));
    Path store = dir.resolve("store/" + built.sha256().hex());
    try (InputStream in = Files.newInputStream(built.file())) {
      new SafeExtractor(SafeExtractor.Limits.DEFAULT).extract(in, built.sha256(), store);
    }
    return TreeBuilder.Source.of(new PackageRef(name, version), store);
  }

  @Test
  void filesAreHardLinksToTheStoreAndFoldersAreMerged() throws Exception {
    TreeBuilder.Source web = unpacked("hello-web", "1.0.0", "bin/hello-web", "run", "share/doc/web.txt", "doc");
    TreeBuilder.Source lb = unpacked("hello-lb", "1.0.0", "bin/hello-lb", "run", "share/doc/lb.txt", "doc",
        "lib/current", "-> ../bin/hello-lb");
    Path generation = Files.createDirectories(dir.resolve("gen"));
    List<TreeBuilder.Template> templates = TreeBuilder.build(List.of(web, lb), generation);
    assertEquals(List.of(), templates);
    assertEquals(Files.getAttribute(web.tree().resolve("bin/hello-web"), "unix:ino"),
        Files.getAttribute(generation.resolve("bin/hello-web"), "unix:ino"), "a hard link, not a copy");
    assertTrue(Files.exists(generation.resolve("share/doc/web.txt")));
    assertTrue(Files.exists(generation.resolve("share/doc/lb.txt")));
    assertEquals(Path.of("../bin/hello-lb"), Files.readSymbolicLink(generation.resolve("lib/current")));
    assertFalse(Files.exists(generation.resolve(".roller/package.yml")), "manifests stay in the store");
  }

  @Test
  void templatesAreCollectedWithTheirOutputPath() throws Exception {
    TreeBuilder.Source web = unpacked("hello-web", "1.0.0", "etc/hello-web/web.conf.tmpl", "port={{ params.port }}");
    Path generation = Files.createDirectories(dir.resolve("gen"));
    List<TreeBuilder.Template> templates = TreeBuilder.build(List.of(web), generation);
    assertEquals(1, templates.size());
    assertEquals("etc/hello-web/web.conf", templates.get(0).path());
    assertEquals(new PackageRef("hello-web", "1.0.0"), templates.get(0).owner());
    assertFalse(Files.exists(generation.resolve("etc/hello-web/web.conf.tmpl")), "not laid as is");
  }

  @Test
  void twoPackagesShippingOnePathIsRefusedNamingBoth() throws Exception {
    TreeBuilder.Source a = unpacked("alpha", "1.0", "bin/tool", "a");
    TreeBuilder.Source b = unpacked("beta", "2.0", "bin/tool", "b");
    Path generation = Files.createDirectories(dir.resolve("gen"));
    RollException e = assertThrows(RollException.class, () -> TreeBuilder.build(List.of(a, b), generation));
    assertEquals("path conflict: bin/tool is shipped by both alpha-1.0 and beta-2.0 (two packages cannot ship one path;"
        + " change one of them)", e.getMessage());
  }

  @Test
  void aRenderedTemplateCollidingWithAFileIsAConflictToo() throws Exception {
    TreeBuilder.Source a = unpacked("alpha", "1.0", "etc/app.conf", "plain");
    TreeBuilder.Source b = unpacked("beta", "2.0", "etc/app.conf.tmpl", "{{ host.name }}");
    Path generation = Files.createDirectories(dir.resolve("gen"));
    RollException e = assertThrows(RollException.class, () -> TreeBuilder.build(List.of(a, b), generation));
    assertTrue(e.getMessage().startsWith("path conflict: etc/app.conf is shipped by both alpha-1.0 and beta-2.0"), e.getMessage());
  }

  @Test
  void aFileWhereAnotherPackageHasAFolderIsAConflict() throws Exception {
    TreeBuilder.Source a = unpacked("alpha", "1.0", "lib/thing/x.txt", "x");
    TreeBuilder.Source b = unpacked("beta", "2.0", "lib/thing", "a file");
    Path generation = Files.createDirectories(dir.resolve("gen"));
    RollException e = assertThrows(RollException.class, () -> TreeBuilder.build(List.of(a, b), generation));
    assertTrue(e.getMessage().startsWith("path conflict: lib/thing is shipped by both alpha-1.0 and beta-2.0"), e.getMessage());
  }
}
