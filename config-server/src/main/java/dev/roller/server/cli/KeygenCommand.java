package dev.roller.server.cli;

import dev.roller.repo.trust.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config-server keygen --out FILE}: an Ed25519 key pair for {@code serve --signing-key} (DESIGN §9). */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Writes an Ed25519 key pair: FILE (the private key, PKCS#8 PEM, mode 0600) for serve --signing-key,",
      "and FILE.pub (one line, ed25519:<base64>) for the trust: list in each host's roll.yml.",
      "An existing FILE is never overwritten."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written", "2:usage error, or FILE exists or cannot be written"})
final class KeygenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the private key goes (and FILE.pub the public one).")
  Path out;

  @Override
  public Integer call() {
    KeyPair pair = Keys.generate();
    Path pub = out.resolveSibling(out.getFileName() + ".pub");
    try {
      // Created 0600 from the first byte: the key is never readable by others, even for an instant.
      Files.write(out, Keys.pem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(pub, Keys.format(pair.getPublic()) + "\n", StandardCharsets.US_ASCII);
    } catch (FileAlreadyExistsException e) {
      spec.commandLine().getErr().println("config-server keygen: " + out + " exists: remove it first (a key is never overwritten)");
      return Failures.USAGE;
    } catch (IOException e) {
      spec.commandLine().getErr().println("config-server keygen: cannot write " + out + ": " + e.getMessage());
      return Failures.USAGE;
    }
    spec.commandLine().getOut().println("wrote " + out + " (private, 0600) and " + pub + ": " + Keys.format(pair.getPublic())
        + " (key id " + Keys.id(pair.getPublic()) + ")");
    return Failures.OK;
  }
}
