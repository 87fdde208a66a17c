package dev.roller.pkg.cli;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.tar.Extracted;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.repo.model.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roller-pkg extract FILE -o DIR [--sha256 HEX]}. */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description = {
      "Extracts a package tarball into DIR (which must not exist), with every rule roll applies.",
      "A hostile or corrupt tarball is refused and nothing is left behind."
    })
final class ExtractCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A package tarball (.tar.gz).")
  Path file;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Where to extract (must not exist).")
  Path dir;

  @Option(names = "--sha256", paramLabel = "HEX", description = "Refuse the tarball unless it has this sha256.")
  String sha256;

  @Override
  public Integer call() throws PackageException, IOException {
    if (Files.exists(dir)) {
      throw new CommandLine.ParameterException(spec.commandLine(), dir + " already exists: extract into a new folder");
    }
    Sha256 expected;
    try {
      expected = sha256 == null ? null : new Sha256(sha256);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Extracted x;
    try (InputStream in = Files.newInputStream(file)) {
      x = new SafeExtractor(SafeExtractor.Limits.DEFAULT).extract(in, expected, dir);
    }
    spec.commandLine().getOut().println(x.dir() + " " + x.sha256() + " (" + x.entries() + " entries, " + x.bytes() + " bytes)");
    return RollerPkg.OK;
  }
}
