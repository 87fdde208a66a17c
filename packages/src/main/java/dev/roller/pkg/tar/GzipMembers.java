package dev.roller.pkg.tar;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * The one class that knows how package tarballs are gzipped: as a series of independent gzip
 * members of at most {@link #BLOCK} uncompressed bytes each, every member's header carrying its
 * own compressed length in an extra field (subfield {@code RB}, as BGZF does with {@code BC}).
 * Any gzip reader reads such a file as one stream (multi-member gzip is standard); Roller's own
 * reader uses the lengths to find the members without inflating them, so members can be
 * compressed and inflated on several cores. Each member depends only on its own bytes, so the
 * result is the same whatever the threads' timing. Headers carry no timestamp.
 */
final class GzipMembers {
  /** Uncompressed bytes per member. */
  static final int BLOCK = 1 << 20;
  static final int LEVEL = 6;
  /** 10 fixed bytes, XLEN, and one 8-byte subfield: 'R' 'B', its length (4), the member's length. */
  private static final int HEADER = 20;
  private static final int TRAILER = 8;

  private GzipMembers() {}

  /** One complete member holding {@code data[0, length)}. */
  static byte[] compress(byte[] data, int length) {
    Deflater deflater = new Deflater(LEVEL, true);
    try {
      deflater.setInput(data, 0, length);
      deflater.finish();
      ByteArrayOutputStream body = new ByteArrayOutputStream(length / 2 + 64);
      byte[] buffer = new byte[1 << 16];
      while (!deflater.finished()) {
        body.write(buffer, 0, deflater.deflate(buffer));
      }
      CRC32 crc = new CRC32();
      crc.update(data, 0, length);
      int size = HEADER + body.size() + TRAILER;
      byte[] member = new byte[size];
      byte[] header = {
        0x1f, (byte) 0x8b, 8, 4 /* FEXTRA */, 0, 0, 0, 0 /* no mtime */, 0, (byte) 255 /* OS unknown */,
        8, 0 /* XLEN */, 'R', 'B', 4, 0 /* subfield length */
      };
      System.arraycopy(header, 0, member, 0, header.length);
      putInt(member, 16, size);
      System.arraycopy(body.toByteArray(), 0, member, HEADER, body.size());
      putInt(member, size - 8, (int) crc.getValue());
      putInt(member, size - 4, length);
      return member;
    } finally {
      deflater.end();
    }
  }

  /**
   * Reads the next whole member from {@code in} (the bytes of a tarball written by {@link
   * #compress}). {@code first} is its first byte, already read.
   *
   * @throws ZipException if the member has no length field (not written by Roller) or a bad one
   */
  static byte[] readMember(InputStream in, int first) throws IOException {
    byte[] head = new byte[HEADER];
    head[0] = (byte) first;
    if (in.readNBytes(head, 1, HEADER - 1) != HEADER - 1) {
      throw new EOFException("truncated gzip member header");
    }
    if (!isSized(head)) {
      throw new ZipException("gzip member without its length: mixed members are not accepted");
    }
    int size = getInt(head, 16);
    if (size < HEADER + TRAILER || size > 2 * BLOCK + 4096) {
      throw new ZipException("gzip member of impossible length " + size);
    }
    byte[] member = java.util.Arrays.copyOf(head, size);
    if (in.readNBytes(member, HEADER, size - HEADER) != size - HEADER) {
      throw new EOFException("truncated gzip member");
    }
    return member;
  }

  /** Whether a tarball starting with {@code head} (at least {@link #HEADER} bytes) is written in sized members. */
  static boolean isSized(byte[] head) {
    return head.length >= HEADER && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8
        && head[3] == 4 && head[10] == 8 && head[11] == 0 && head[12] == 'R' && head[13] == 'B'
        && head[14] == 4 && head[15] == 0;
  }

  static int headerLength() {
    return HEADER;
  }

  /** The uncompressed bytes of one member read by {@link #readMember}, CRC and length checked. */
  static byte[] inflate(byte[] member) throws ZipException {
    int size = member.length;
    int expected = getInt(member, size - 4);
    if (expected < 0 || expected > BLOCK) {
      throw new ZipException("gzip member claims " + expected + " bytes, more than a block");
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(member, HEADER, size - HEADER - TRAILER);
      byte[] out = new byte[expected];
      int n = 0;
      byte[] extra = new byte[1];
      // Each call makes progress or says why not; the bound only guards against a zlib surprise.
      for (int calls = 0; !inflater.finished(); calls++) {
        int k = n < expected ? inflater.inflate(out, n, expected - n) : inflater.inflate(extra);
        if (n == expected && k > 0) {
          throw new ZipException("gzip member inflates to more than its stated " + expected + " bytes");
        }
        if (k == 0 && (inflater.needsInput() || inflater.needsDictionary() || calls > expected + 64)) {
          throw new ZipException("truncated or corrupt gzip member");
        }
        n += k;
      }
      if (n != expected || inflater.getRemaining() != 0) {
        throw new ZipException("gzip member does not match its stated lengths");
      }
      CRC32 crc = new CRC32();
      crc.update(out, 0, n);
      if ((int) crc.getValue() != getInt(member, size - 8)) {
        throw new ZipException("gzip member fails its CRC check");
      }
      return out;
    } catch (DataFormatException e) {
      throw new ZipException("corrupt gzip member: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static void putInt(byte[] b, int at, int value) {
    b[at] = (byte) value;
    b[at + 1] = (byte) (value >>> 8);
    b[at + 2] = (byte) (value >>> 16);
    b[at + 3] = (byte) (value >>> 24);
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }
}
