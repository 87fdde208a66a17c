package dev.roller.host;

import dev.roller.repo.trust.Keys;
import dev.roller.repo.trust.Signatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * This host's own key (DESIGN §9): {@code /etc/roller/host.key}, Ed25519, PKCS#8 PEM, 0600, made
 * at the first run. roll signs its reports with it; {@code roll key} prints its public half in the
 * form a host file takes, so the server accepts only reports this host signed.
 */
public final class HostKey {
  private HostKey() {}

  /** The host's key, made (0600, by a rename: never seen half-written) when there is none yet. */
  public static Signatures.Signer loadOrCreate(HostLayout layout) throws IOException {
    Path file = layout.hostKey();
    try {
      if (Files.isSymbolicLink(file)) {
        throw new IOException(file + " is a link: refused (the host key is a plain file)");
      }
      return new Signatures.Signer(Keys.parsePrivate(Files.readString(file, StandardCharsets.US_ASCII)));
    } catch (NoSuchFileException e) {
      AtomicFile.write(file, Keys.pem(Keys.generate().getPrivate()).getBytes(StandardCharsets.US_ASCII), "rw-------");
      return new Signatures.Signer(Keys.parsePrivate(Files.readString(file, StandardCharsets.US_ASCII)));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not an Ed25519 key: " + e.getMessage() + " (remove it and roll makes a new one)");
    }
  }

  /** {@code key: ed25519:...}, the line the host's file in the config repo takes. */
  public static String line(Signatures.Signer key) {
    return "key: " + Keys.format(key.publicKey());
  }
}
