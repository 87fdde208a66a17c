package dev.roller.pkg.tar;

import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reading the tarball failed: it is truncated, corrupt or not gzip (not a problem of the disk written to). */
final class CorruptTarballException extends IOException {
  CorruptTarballException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A reading failure in words: the JDK's EOFException often has no message of its own. */
  static String describe(Exception e) {
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    return e instanceof java.io.EOFException ? "the data ends too early: truncated" : e.getClass().getSimpleName();
  }

  /** Reading the tar stream: any failure there is the tarball's, not the disk's. */
  static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws CorruptTarballException {
    try {
      return tar.getNextEntry();
    } catch (CorruptTarballException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptTarballException(describe(e), e);
    }
  }

  static int read(TarArchiveInputStream tar, byte[] buffer) throws CorruptTarballException {
    try {
      return tar.read(buffer);
    } catch (CorruptTarballException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptTarballException(describe(e), e);
    }
  }
}
