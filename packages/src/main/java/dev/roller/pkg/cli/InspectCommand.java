package dev.roller.pkg.cli;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.Service;
import dev.roller.pkg.tar.Inspection;
import dev.roller.pkg.tar.SafeExtractor;
import dev.roller.pkg.tar.TarballInspector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code roller-pkg inspect FILE}. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a package tarball's manifest, sha256 and files with their modes.",
      "Nothing is extracted; the rules extraction applies still hold: a hostile tarball is refused (exit 1)."
    })
final class InspectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A package tarball (.tar.gz).")
  Path file;

  @Override
  public Integer call() throws PackageException, IOException {
    Inspection inspection;
    try (InputStream in = Files.newInputStream(file)) {
      inspection = TarballInspector.inspect(in, SafeExtractor.Limits.DEFAULT);
    }
    PrintWriter out = spec.commandLine().getOut();
    Manifest m = inspection.manifest();
    out.println("package: " + m.name() + " " + m.version());
    if (!m.description().isEmpty()) {
      out.println("description: " + m.description());
    }
    out.println("sha256: " + inspection.sha256());
    out.println("size: " + inspection.size());
    for (Service s : m.services()) {
      out.println("service: " + s.name() + ": " + s.run() + " (stop_timeout " + s.stopTimeout().toMillis() + "ms"
          + (s.reload() == null ? "" : ", reload: " + s.reload()) + ")");
      HealthCheck h = s.health();
      if (h != null) {
        out.println("  health: " + h.kind().key + " " + h.target() + " (timeout " + h.timeout().toMillis() + "ms)");
      }
    }
    if (m.activate() != null) {
      out.println("hook: activate: " + m.activate());
    }
    out.println("files:");
    for (Inspection.Entry e : inspection.entries()) {
      String mode = String.format("%04o", e.mode());
      String line = switch (e.kind()) {
        case "directory" -> mode + "  dir      " + e.path() + "/";
        case "symlink" -> mode + "  symlink  " + e.path() + " -> " + e.linkTarget();
        case "hardlink" -> mode + "  hardlink " + e.path() + " => " + e.linkTarget();
        default -> mode + "  " + String.format("%-8d ", e.size()) + e.path();
      };
      out.println("  " + line);
    }
    return RollerPkg.OK;
  }
}
