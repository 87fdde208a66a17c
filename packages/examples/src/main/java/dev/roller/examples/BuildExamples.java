package dev.roller.examples;

import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import dev.roller.pkg.tar.Staging;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Builds the example packages: for each {@code name:version}, stages the tree {@code <name>/} with
 * the services' jar at {@code lib/<name>/hello.jar} and the version set in its manifest, then
 * builds the tarball with {@link PackageBuilder}. Run by {@code mvn package}.
 *
 * <p>Usage: BuildExamples SOURCE_DIR JAR OUT_DIR NAME:VERSION...
 */
public final class BuildExamples {
  private BuildExamples() {}

  public static void main(String[] args) throws Exception {
    Path source = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    Path out = Path.of(args[2]);
    Path staging = out.resolveSibling("package-staging");
    for (int i = 3; i < args.length; i++) {
      String[] spec = args[i].split(":", 2);
      Path tree = staging.resolve(spec[0] + "-" + spec[1]);
      Staging.deleteTree(tree);
      Staging.copyTree(source.resolve(spec[0]), tree);
      Files.createDirectories(tree.resolve("lib/" + spec[0]));
      Files.copy(jar, tree.resolve("lib/" + spec[0] + "/hello.jar"), StandardCopyOption.REPLACE_EXISTING);
      Path manifest = tree.resolve(".roller/package.yml");
      String text = Files.readString(manifest, StandardCharsets.UTF_8);
      Files.writeString(manifest, text.replaceFirst("(?m)^version: .*$", "version: " + spec[1]), StandardCharsets.UTF_8);
      BuiltPackage built = PackageBuilder.build(tree, out);
      System.out.println("example package " + built.file().getFileName() + " " + built.sha256());
    }
  }
}
