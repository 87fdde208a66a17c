package dev.roller.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.pkg.Sha256;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roll and foreman packages are reproducible: built again from the same jars (as `mvn
 * package` did before the tests), they are byte for byte the packages already built, so
 * republishing a version is the no-op it should be, never a 409.
 */
class ReproducibleToolPackagesTest {
  @TempDir Path dir;

  @Test
  void buildingTheToolPackagesAgainGivesTheSameBytes() throws Exception {
    Path source = Path.of(System.getProperty("tools.source"));
    Path built = Path.of(System.getProperty("tools.built"));
    Path again = dir.resolve("packages");
    BuildToolPackages.main(new String[] {source.toString(), again.toString(),
        System.getProperty("tools.roll"), System.getProperty("tools.foreman")});
    for (String name : List.of("roll-1.0.0.tar.gz", "foreman-1.0.0.tar.gz")) {
      assertEquals(sha256(built.resolve(name)), sha256(again.resolve(name)), name + " built twice differs");
    }
  }

  private static String sha256(Path file) throws Exception {
    java.security.MessageDigest digest = Sha256.newDigest();
    try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Sha256.of(digest).hex();
  }
}
