package dev.roller.pkg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.model.Sha256;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollerPkgTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = RollerPkg.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path packageDir() throws Exception {
    Path root = dir.resolve("demo");
    Files.createDirectories(root.resolve(".roller"));
    Files.createDirectories(root.resolve("bin"));
    Files.writeString(root.resolve(".roller/package.yml"), "name: demo\nversion: 2.0\nservices:\n  - {name: demo, run: bin/demo}\n");
    Files.writeString(root.resolve("bin/demo"), "#!/bin/sh\nexec sleep 1000\n");
    Files.setPosixFilePermissions(root.resolve("bin/demo"), PosixFilePermissions.fromString("rwxr-xr-x"));
    return root;
  }

  @Test
  void buildPrintsThePathAndSha256OfTheTarball() throws Exception {
    Result r = run("build", packageDir().toString(), "-o", dir.resolve("out").toString());
    assertEquals(0, r.code(), r.err());
    Path tarball = dir.resolve("out/demo-2.0.tar.gz");
    assertEquals(tarball + " " + Sha256.of(Files.readAllBytes(tarball)) + "\n", r.out());
  }

  @Test
  void inspectPrintsManifestSha256AndFilesWithModes() throws Exception {
    Path root = packageDir();
    run("build", root.toString(), "-o", dir.toString());
    Result r = run("inspect", dir.resolve("demo-2.0.tar.gz").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("package: demo 2.0\nsha256: "), r.out());
    assertTrue(r.out().contains("service: demo: bin/demo"), r.out());
    assertTrue(r.out().contains("  0755  dir      bin/\n"), r.out());
    assertTrue(r.out().contains(String.format("  0755  %-8d bin/demo%n", Files.size(root.resolve("bin/demo")))), r.out());
  }

  @Test
  void buildRefusesAFolderWithoutManifestWithExitOne() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    Result r = run("build", dir.resolve("empty").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no .roller/package.yml"), r.err());
  }

  @Test
  void inspectRefusesSomethingThatIsNotAPackage() throws Exception {
    Files.writeString(dir.resolve("x.tar.gz"), "garbage");
    Result r = run("inspect", dir.resolve("x.tar.gz").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not a valid .tar.gz"), r.err());
    assertEquals(2, run("inspect", dir.resolve("missing.tar.gz").toString()).code());
  }
}
