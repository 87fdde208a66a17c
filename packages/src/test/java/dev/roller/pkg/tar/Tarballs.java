package dev.roller.pkg.tar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Crafts tarballs entry by entry, hostile ones included, for extraction tests. */
final class Tarballs {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;

  Tarballs() throws IOException {
    tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes), "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  Tarballs file(String name, String text) throws IOException {
    return file(name, text, 0100644);
  }

  Tarballs file(String name, String text, int mode) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(mode);
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
    return this;
  }

  /** A file entry claiming {@code size} bytes of zeros, streamed (a gzip bomb compresses well). */
  Tarballs zeros(String name, long size) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    tar.putArchiveEntry(entry);
    byte[] block = new byte[1 << 16];
    for (long left = size; left > 0; left -= block.length) {
      tar.write(block, 0, (int) Math.min(block.length, left));
    }
    tar.closeArchiveEntry();
    return this;
  }

  Tarballs dir(String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  Tarballs link(String name, byte type, String target) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  Tarballs symlink(String name, String target) throws IOException {
    return link(name, TarConstants.LF_SYMLINK, target);
  }

  Tarballs special(String name, byte type) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  byte[] bytes() throws IOException {
    tar.close();
    return bytes.toByteArray();
  }
}
