package dev.roller.pkg.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.Sha256;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageBuilderTest {
  @TempDir Path dir;

  private static final String MANIFEST = "name: demo\nversion: 1.0.0\n";
  private static final List<String> FILES = List.of("bin/run", "etc/demo.conf.tmpl", "lib/a.txt", "lib/deep/b.txt",
      "share/doc/README", "z-last");

  /** Writes the same tree in a shuffled order, with other mtimes and group/other bits. */
  private Path tree(String name, long seed) throws Exception {
    Path root = dir.resolve(name);
    Files.createDirectories(root.resolve(".roller"));
    Files.writeString(root.resolve(".roller/package.yml"), MANIFEST);
    List<String> files = new ArrayList<>(FILES);
    Collections.shuffle(files, new Random(seed));
    for (String f : files) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "content of " + f + "\n");
      String mode = f.startsWith("bin/") ? (seed % 2 == 0 ? "rwxr-xr-x" : "rwx------") : (seed % 2 == 0 ? "rw-r--r--" : "rw-rw----");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
      Files.setLastModifiedTime(p, FileTime.fromMillis(1_600_000_000_000L + seed * 7919));
    }
    Files.createSymbolicLink(root.resolve("lib/current"), Path.of("a.txt"));
    return root;
  }

  @Test
  void sameTreeGivesByteIdenticalTarballs() throws Exception {
    BuiltPackage one = PackageBuilder.build(tree("one", 2), dir.resolve("out1"));
    BuiltPackage two = PackageBuilder.build(tree("two", 3), dir.resolve("out2"));
    assertEquals("demo-1.0.0.tar.gz", one.file().getFileName().toString());
    assertArrayEquals(Files.readAllBytes(one.file()), Files.readAllBytes(two.file()));
    assertEquals(one.sha256(), two.sha256());
    assertEquals(Sha256.of(Files.readAllBytes(one.file())), one.sha256());
    assertEquals(Files.size(one.file()), one.size());
  }

  @Test
  void aChangedFileChangesTheTarball() throws Exception {
    Path root = tree("one", 2);
    Sha256 before = PackageBuilder.build(root, dir.resolve("out")).sha256();
    Files.writeString(root.resolve("lib/a.txt"), "changed");
    assertTrue(!before.equals(PackageBuilder.build(root, dir.resolve("out")).sha256()));
  }

  @Test
  void builtTarballExtractsToTheSameTree() throws Exception {
    BuiltPackage built = PackageBuilder.build(tree("one", 2), dir.resolve("out"));
    Path into = dir.resolve("unpacked");
    try (InputStream in = Files.newInputStream(built.file())) {
      new SafeExtractor(SafeExtractor.Limits.DEFAULT).extract(in, built.sha256(), into);
    }
    for (String f : FILES) {
      assertEquals("content of " + f + "\n", Files.readString(into.resolve(f)), f);
    }
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(into.resolve("bin/run"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(into.resolve("lib/a.txt"))));
    assertEquals(Path.of("a.txt"), Files.readSymbolicLink(into.resolve("lib/current")));
  }

  @Test
  void refusesAFolderWithoutAManifest() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    PackageException e = assertThrows(PackageException.class, () -> PackageBuilder.build(dir.resolve("empty"), dir));
    assertTrue(e.getMessage().contains("no .roller/package.yml"), e.getMessage());
  }

  @Test
  void refusesAnInvalidManifestNamingTheProblem() throws Exception {
    Path root = tree("one", 2);
    Files.writeString(root.resolve(".roller/package.yml"), "name: Demo\nversion: '>=1'\n");
    PackageException e = assertThrows(PackageException.class, () -> PackageBuilder.build(root, dir.resolve("out")));
    assertTrue(e.getMessage().contains("package.yml:1: bad package name \"Demo\""), e.getMessage());
    assertTrue(e.getMessage().contains("package.yml:2: bad version \">=1\""), e.getMessage());
  }

  @Test
  void refusesLinksLeadingOutsideAndSpecialFiles() throws Exception {
    Path root = tree("one", 2);
    Files.createSymbolicLink(root.resolve("bin/passwd"), Path.of("/etc/passwd"));
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    PackageException e = assertThrows(PackageException.class, () -> PackageBuilder.build(root, dir.resolve("out")));
    assertTrue(e.getMessage().contains("bin/passwd: symbolic link"), e.getMessage());
    assertTrue(e.getMessage().contains("pipe: not a file, folder or symbolic link"), e.getMessage());
  }

  @Test
  void refusesATemplateBesideTheFileItRendersTo() throws Exception {
    Path root = tree("one", 2);
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/a.conf"), "x");
    Files.writeString(root.resolve("etc/a.conf.tmpl"), "y");
    PackageException e = assertThrows(PackageException.class, () -> PackageBuilder.build(root, dir.resolve("out")));
    assertTrue(e.getMessage().contains("etc/a.conf"), e.getMessage());
    assertTrue(e.getMessage().contains("rename one"), e.getMessage());
  }
}
