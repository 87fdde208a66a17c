package dev.roller.pkg.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.PackageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The member format: readable by any gzip reader, and hostile members refused. */
class GzipMembersTest {
  @TempDir Path dir;

  private static byte[] randomText(int size, long seed) {
    Random random = new Random(seed);
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) ('a' + random.nextInt(8));
    }
    return data;
  }

  /** Compresses {@code data} in members with the builder's own sink. */
  private static byte[] members(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflatingSink sink = new DeflatingSink(out)) {
      sink.write(data);
      sink.finish();
    }
    return out.toByteArray();
  }

  @Test
  void membersReadBackWithTheJdksPlainGzipReader() throws Exception {
    byte[] data = randomText(3 * GzipMembers.BLOCK + 12345, 1);
    byte[] gz = members(data);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertArrayEquals(data, in.readAllBytes());
    }
    assertArrayEquals(gz, members(data), "the same input gives the same bytes");
  }

  @Test
  void extractionTakesBothSizedMembersAndPlainGzip() throws Exception {
    byte[] tar = new Tarballs().file("a.txt", "x".repeat(3_000_000)).file("b.txt", "y").bytes();
    byte[] plainTar;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tar))) {
      plainTar = in.readAllBytes();
    }
    byte[] sized = members(plainTar);
    SafeExtractor extractor = new SafeExtractor(SafeExtractor.Limits.DEFAULT);
    extractor.extract(new ByteArrayInputStream(sized), null, dir.resolve("sized"));
    extractor.extract(new ByteArrayInputStream(tar), null, dir.resolve("plain"));
    assertEquals(3_000_000, Files.size(dir.resolve("sized/a.txt")));
    assertEquals(Files.readString(dir.resolve("plain/b.txt")), Files.readString(dir.resolve("sized/b.txt")));
  }

  @Test
  void aMemberLyingAboutItsLengthIsRefused() throws Exception {
    byte[] gz = members(randomText(100_000, 2));
    gz[16] += 3;
    assertRefused(gz);
  }

  @Test
  void aTruncatedMemberIsRefused() throws Exception {
    byte[] gz = members(randomText(2 * GzipMembers.BLOCK, 3));
    assertRefused(Arrays.copyOf(gz, gz.length - 100));
  }

  @Test
  void aPlainMemberAfterSizedOnesIsRefused() throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(plain)) {
      out.write(new byte[10]);
    }
    byte[] sized = members(new byte[1000]);
    byte[] mixed = Arrays.copyOf(sized, sized.length + plain.size());
    System.arraycopy(plain.toByteArray(), 0, mixed, sized.length, plain.size());
    assertRefused(mixed);
  }

  @Test
  void aCorruptMemberFailsItsCheck() throws Exception {
    byte[] gz = members(randomText(200_000, 4));
    gz[gz.length / 2] ^= 0x40;
    assertRefused(gz);
  }

  private void assertRefused(byte[] tarball) throws Exception {
    PackageException e = assertThrows(PackageException.class, () ->
        new SafeExtractor(SafeExtractor.Limits.DEFAULT).extract(new ByteArrayInputStream(tarball), null, dir.resolve("x")));
    assertTrue(e.getMessage().startsWith("not a valid .tar.gz"), e.getMessage());
    try (var left = Files.list(dir)) {
      assertEquals(0, left.count(), "nothing may be left behind");
    }
  }
}
