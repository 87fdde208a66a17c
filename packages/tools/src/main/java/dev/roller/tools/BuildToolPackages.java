package dev.roller.tools;

import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.pkg.tar.Staging;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds Roller's own tools as Roller packages: for each tool, stages its tree ({@code <name>/}:
 * launcher and manifest), puts the tool's runnable jar at {@code lib/<name>/<name>.jar}, sets the
 * version in the manifest, optionally adds a Java runtime made with jlink (its own process) at {@code
 * lib/<name>/runtime} (only the modules given), and builds the tarball with {@link PackageBuilder}.
 * Run by {@code mvn package}.
 *
 * <p>Usage: BuildToolPackages SOURCE_DIR OUT_DIR NAME:VERSION:JAR[:MODULE,MODULE...]...
 */
public final class BuildToolPackages {
  private BuildToolPackages() {}

  public static void main(String[] args) throws Exception {
    Path source = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Path staging = out.resolveSibling("package-staging");
    for (int i = 2; i < args.length; i++) {
      String[] spec = args[i].split(":", 4);
      String name = spec[0];
      String version = spec[1];
      Path jar = Path.of(spec[2]);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: build the " + name + " module first (mvn package)");
      }
      Path tree = staging.resolve(name + "-" + version);
      Staging.deleteTree(tree);
      Staging.copyTree(source.resolve(name), tree);
      Path lib = tree.resolve("lib/" + name);
      Files.createDirectories(lib);
      Files.copy(jar, lib.resolve(name + ".jar"), StandardCopyOption.REPLACE_EXISTING);
      if (spec.length > 3) {
        jlink(spec[3], lib.resolve("runtime"));
      }
      Path manifest = tree.resolve(".roller/package.yml");
      String text = Files.readString(manifest, StandardCharsets.UTF_8);
      Files.writeString(manifest, text.replaceFirst("(?m)^version: .*$", "version: " + version), StandardCharsets.UTF_8);
      BuiltPackage built = PackageBuilder.build(tree, out);
      System.out.println("tool package " + built.file().getFileName() + " " + built.sha256());
    }
  }

  /**
   * A trimmed Java runtime with only {@code modules}, made by the JDK's own jlink in a process of
   * its own (run inside a JVM that has done other work, jlink's image came out different once in a
   * while; a fresh jlink process gives the same bytes for the same inputs). Without a class-data
   * archive: the JDK's differs from build to build (the package would not be reproducible), and the
   * launcher makes one on the host, where it first runs.
   */
  private static void jlink(String modules, Path output) throws IOException, InterruptedException {
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    if (!Files.isExecutable(jlink)) {
      throw new IllegalStateException(jlink + " is missing: build with a full JDK (with jmods)");
    }
    List<String> command = new ArrayList<>(List.of(jlink.toString(), "--add-modules", modules, "--strip-debug",
        "--no-header-files", "--no-man-pages", "--output", output.toString()));
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " took more than 10 minutes");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue());
    }
  }
}
