package dev.roller.pkg.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import dev.roller.repo.model.Sha256;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per hostile case, each tarball crafted here; after every refusal nothing is left. */
class SafeExtractorTest {
  @TempDir Path dir;

  private final SafeExtractor extractor = new SafeExtractor(SafeExtractor.Limits.DEFAULT);

  private Extracted extract(byte[] tarball) throws Exception {
    return extractor.extract(new ByteArrayInputStream(tarball), null, dir.resolve("pkg"));
  }

  /** Extraction must be refused with a message containing {@code text}, leaving {@code dir} empty. */
  private void assertRefused(byte[] tarball, String text) throws Exception {
    assertRefused(extractor, tarball, null, text);
  }

  private void assertRefused(SafeExtractor with, byte[] tarball, Sha256 expected, String text) throws Exception {
    PackageException e = assertThrows(PackageException.class,
        () -> with.extract(new ByteArrayInputStream(tarball), expected, dir.resolve("pkg")));
    assertTrue(e.getMessage().contains(text), "message: " + e.getMessage());
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.toList(), "nothing may be left behind");
    }
  }

  @Test
  void keepsExecutableBitsAndInTreeLinks() throws Exception {
    byte[] tarball = new Tarballs()
        .dir("bin").file("bin/tool", "#!/bin/sh\n", 0100755)
        .dir("lib").file("lib/data.txt", "data")
        .symlink("lib/current", "data.txt")
        .symlink("bin/data", "../lib/data.txt")
        .link("lib/hard.txt", TarConstants.LF_LINK, "lib/data.txt")
        .bytes();
    Extracted x = extract(tarball);
    Path pkg = dir.resolve("pkg");
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(pkg.resolve("bin/tool"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pkg.resolve("lib/data.txt"))));
    assertEquals("data", Files.readString(pkg.resolve("bin/data")));
    assertEquals(Path.of("data.txt"), Files.readSymbolicLink(pkg.resolve("lib/current")));
    assertEquals("data", Files.readString(pkg.resolve("lib/hard.txt")));
    assertEquals(Sha256.of(tarball), x.sha256());
    assertEquals(tarball.length, x.tarballSize());
  }

  @Test
  void verifiesTheExpectedSha256() throws Exception {
    byte[] tarball = new Tarballs().file("a", "x").bytes();
    extractor.extract(new ByteArrayInputStream(tarball), Sha256.of(tarball), dir.resolve("pkg"));
    assertTrue(Files.exists(dir.resolve("pkg/a")));
  }

  @Test
  void refusesASha256Mismatch() throws Exception {
    byte[] tarball = new Tarballs().file("a", "x").bytes();
    assertRefused(extractor, tarball, Sha256.of(new byte[0]), "sha256 mismatch");
  }

  @Test
  void refusesAbsolutePaths() throws Exception {
    assertRefused(new Tarballs().file("/etc/cron.d/evil", "x").bytes(), "absolute path \"/etc/cron.d/evil\"");
  }

  @Test
  void refusesDotDot() throws Exception {
    assertRefused(new Tarballs().file("bin/../../evil", "x").bytes(), "contains '..'");
  }

  @Test
  void refusesSymlinkLeadingOutside() throws Exception {
    assertRefused(new Tarballs().symlink("bin/passwd", "../../etc/passwd").bytes(), "leads outside the package");
  }

  @Test
  void refusesAbsoluteSymlink() throws Exception {
    assertRefused(new Tarballs().symlink("passwd", "/etc/passwd").bytes(), "link targets must be relative");
  }

  @Test
  void refusesDotDotInsideASymlinkTarget() throws Exception {
    assertRefused(new Tarballs().symlink("x", "a/../../b").bytes(), "'..' may only start a link target");
  }

  @Test
  void refusesWritingThroughASymlink() throws Exception {
    assertRefused(new Tarballs().dir("d").symlink("link", "d").file("link/x", "y").bytes(),
        "goes through the symbolic link \"link\"");
  }

  @Test
  void refusesHardLinkOutsideTheTree() throws Exception {
    assertRefused(new Tarballs().link("shadow", TarConstants.LF_LINK, "/etc/shadow").bytes(), "absolute path");
    assertRefused(new Tarballs().link("shadow", TarConstants.LF_LINK, "other").bytes(), "not an earlier file");
  }

  @Test
  void refusesDevices() throws Exception {
    assertRefused(new Tarballs().special("dev/sda", TarConstants.LF_BLK).bytes(), "is a device");
    assertRefused(new Tarballs().special("dev/tty", TarConstants.LF_CHR).bytes(), "is a device");
  }

  @Test
  void refusesFifos() throws Exception {
    assertRefused(new Tarballs().special("pipe", TarConstants.LF_FIFO).bytes(), "is a fifo");
  }

  @Test
  void refusesSetuidAndSetgid() throws Exception {
    assertRefused(new Tarballs().file("bin/su", "x", 0104755).bytes(), "setuid or setgid");
    assertRefused(new Tarballs().file("bin/sg", "x", 0102755).bytes(), "setuid or setgid");
  }

  @Test
  void refusesDuplicatePaths() throws Exception {
    assertRefused(new Tarballs().file("a", "1").file("./a", "2").bytes(), "entry \"a\" appears twice");
  }

  @Test
  void refusesTreesOverTheSizeLimit() throws Exception {
    SafeExtractor small = new SafeExtractor(new SafeExtractor.Limits(1 << 20, 100));
    assertRefused(small, new Tarballs().zeros("bomb", 64L << 20).bytes(), null, "larger than the limit of 1048576 bytes");
  }

  @Test
  void refusesTreesOverTheEntryLimit() throws Exception {
    SafeExtractor small = new SafeExtractor(new SafeExtractor.Limits(1 << 20, 3));
    Tarballs many = new Tarballs();
    for (int i = 0; i < 5; i++) {
      many.file("f" + i, "x");
    }
    assertRefused(small, many.bytes(), null, "more than 3 entries");
  }

  @Test
  void refusesCorruptAndTruncatedTarballs() throws Exception {
    byte[] good = new Tarballs().file("a", "x".repeat(100_000)).bytes();
    assertRefused(Arrays.copyOf(good, good.length / 2), "not a valid .tar.gz");
    assertRefused("not gzip at all".getBytes(), "not a valid .tar.gz");
  }

  @Test
  void leftoversOfAKilledExtractionAreRemoved() throws Exception {
    Path leftover = Files.createDirectories(dir.resolve(".pkg.tmp-123/bin"));
    Files.writeString(leftover.resolve("x"), "half");
    Files.createDirectories(dir.resolve("kept"));
    SafeExtractor.removeLeftovers(dir);
    assertFalse(Files.exists(dir.resolve(".pkg.tmp-123")));
    assertTrue(Files.exists(dir.resolve("kept")));
  }

  /** {@code tarball} (gzip) with {@code extra} appended to its inflated bytes, compressed again. */
  private static byte[] withTrailer(byte[] tarball, byte[] extra, long zeros) throws Exception {
    byte[] plain;
    try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(tarball))) {
      plain = in.readAllBytes();
    }
    var out = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(plain);
      gz.write(extra);
      byte[] block = new byte[1 << 20];
      for (long left = zeros; left > 0; left -= block.length) {
        gz.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    return out.toByteArray();
  }

  @Test
  void zerosPastTheEndOfTheArchiveAreRefusedWithoutInflatingThemAll() throws Exception {
    byte[] tarball = new Tarballs().file("a.txt", "a").bytes();
    // 256 MiB of zeros after the end: a few hundred KB compressed, refused after the first 64 KiB.
    assertRefused(withTrailer(tarball, new byte[0], 256L << 20), "data after the end of the archive");
  }

  @Test
  void hiddenDataPastTheEndOfTheArchiveIsRefused() throws Exception {
    byte[] tarball = new Tarballs().file("a.txt", "a").bytes();
    assertRefused(withTrailer(tarball, "hidden".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0),
        "data after the end of the archive");
  }

  @Test
  void refusesPathsNoHostCanLay() throws Exception {
    assertRefused(new Tarballs().file("a/".repeat(2000) + "x", "deep").bytes(), "longer than 3072 bytes");
    assertRefused(new Tarballs().file("a/".repeat(100) + "x", "deep").bytes(), "101 levels deep");
    assertRefused(new Tarballs().file("n".repeat(300), "long name").bytes(), "longer than 255 bytes");
  }

  @Test
  void refusesTemplatesThatRenderToNothingOrOntoAnotherFile() throws Exception {
    assertRefused(new Tarballs().file("etc/.tmpl", "x").bytes(), "no name before .tmpl");
    assertRefused(new Tarballs().file("etc/a.conf", "x").file("etc/a.conf.tmpl", "y").bytes(),
        "renders to \"etc/a.conf\", which the package also ships");
    assertRefused(new Tarballs().file("etc/a.conf.tmpl", "y").file("etc/a.conf", "x").bytes(),
        "is also what the template \"etc/a.conf.tmpl\" renders to");
  }
}
