package dev.roller.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.repo.model.Sha256;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
      assertEquals(sha256(built.resolve(name)), sha256(again.resolve(name)),
          () -> name + " built twice differs, in: " + differences(built.resolve(name), again.resolve(name)));
    }
  }

  /** The entries whose header or content differ between two tarballs: what to look at when they do. */
  private static List<String> differences(Path a, Path b) {
    try {
      Map<String, String> left = entries(a);
      Map<String, String> right = entries(b);
      java.util.Set<String> names = new java.util.TreeSet<>(left.keySet());
      names.addAll(right.keySet());
      return names.stream().filter(n -> !java.util.Objects.equals(left.get(n), right.get(n))).limit(20).toList();
    } catch (Exception e) {
      return List.of("(cannot compare: " + e + ")");
    }
  }

  private static Map<String, String> entries(Path tarball) throws Exception {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.util.zip.GZIPInputStream(Files.newInputStream(tarball)))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        java.security.MessageDigest digest = Sha256.newDigest();
        digest.update(tar.readAllBytes());
        out.put(e.getName(), e.getMode() + " " + e.getSize() + " " + e.getModTime().getTime() + " " + e.getLinkName() + " "
            + Sha256.of(digest).hex());
      }
    }
    return out;
  }

  private static String sha256(Path file) throws Exception {
    java.security.MessageDigest digest = Sha256.newDigest();
    try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Sha256.of(digest).hex();
  }
}
