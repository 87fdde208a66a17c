package dev.roller.pkg.cli;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.pkg.tar.PackageBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roller-pkg build DIR [-o OUTDIR]}. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Builds DIR (a tree with .roller/package.yml) into <name>-<version>.tar.gz.",
      "Reproducible: the same tree gives a byte-identical tarball whatever its files' mtimes,",
      "owners and umask. Prints the tarball's path and sha256."
    })
final class BuildCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The package's folder.")
  Path dir;

  @Option(names = {"-o", "--output"}, paramLabel = "OUTDIR", description = "Where to write the tarball (default: the current folder).")
  Path outDir = Path.of(".");

  @Override
  public Integer call() throws PackageException, IOException {
    BuiltPackage built = PackageBuilder.build(dir, outDir);
    spec.commandLine().getOut().println(built.file() + " " + built.sha256());
    return RollerPkg.OK;
  }
}
