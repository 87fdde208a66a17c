package dev.roller.pkg.tar;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * The decompressed bytes of a tarball, produced off the reader's thread so inflating overlaps
 * with what the reader does with them (GNU tar gets the same from its separate gzip process).
 * A reading thread hashes every compressed byte. A tarball in sized members ({@link
 * GzipMembers}, as roller-pkg builds them) is inflated member by member on every core and put
 * back in order; any other gzip stream is inflated by one thread. Memory is bounded by the
 * queues between the stages. Closing it stops every stage. One reader.
 */
final class InflatingPipe extends InputStream {
  private static final Future<byte[]> END = CompletableFuture.completedFuture(null);

  private final ChunkPipe inflated = new ChunkPipe(16);
  private final InputStream source = inflated.source();
  private final ExecutorService pool = Workers.perCore("inflate");
  private final Thread reader;
  private volatile Thread stage;
  private volatile long compressedBytes;

  /** Starts reading {@code raw}; every byte of it, to its end, goes through {@code digest}. */
  InflatingPipe(InputStream raw, MessageDigest digest) {
    reader = Workers.start("read-and-hash", () -> read(raw, digest));
  }

  private void read(InputStream raw, MessageDigest digest) {
    CountingInputStream counted = new CountingInputStream(raw);
    try {
      InputStream in = new DigestInputStream(counted, digest);
      byte[] head = in.readNBytes(GzipMembers.headerLength());
      InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), in);
      if (GzipMembers.isSized(head)) {
        inParallel(whole);
      } else {
        inSequence(whole);
      }
      compressedBytes = counted.count();
    } catch (InterruptedException e) {
      // The reader closed the pipe: stop.
    } catch (IOException | RuntimeException | Error e) {
      inflated.fail(e);
    }
  }

  /** Members go to the pool as they are read; a second thread puts their output back in order. */
  private void inParallel(InputStream in) throws IOException, InterruptedException {
    BlockingQueue<Future<byte[]>> ordered = new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors() + 2);
    stage = Workers.start("inflate-order", () -> {
      try {
        for (Future<byte[]> next = ordered.take(); next != END; next = ordered.take()) {
          inflated.putOwned(next.get());
        }
        inflated.end();
      } catch (InterruptedException e) {
        // closed: stop.
      } catch (ExecutionException e) {
        inflated.fail(e.getCause());
      } catch (RuntimeException | Error e) {
        inflated.fail(e);
      }
    });
    try {
      for (int first = in.read(); first != -1; first = in.read()) {
        byte[] member = GzipMembers.readMember(in, first);
        ordered.put(pool.submit(() -> GzipMembers.inflate(member)));
      }
      ordered.put(END);
    } catch (IOException e) {
      ordered.put(CompletableFuture.failedFuture(e));
    }
  }

  /** Any other gzip stream: one thread inflates while this one reads and hashes. */
  private void inSequence(InputStream in) throws IOException, InterruptedException {
    ChunkPipe compressed = new ChunkPipe(16);
    stage = Workers.start("inflate", () -> {
      try {
        InputStream fromReader = compressed.source();
        GZIPInputStream gzip = new GZIPInputStream(fromReader, 1 << 16);
        byte[] buffer = new byte[ChunkPipe.CHUNK];
        int n;
        while ((n = gzip.readNBytes(buffer, 0, buffer.length)) > 0) {
          inflated.put(buffer, n);
        }
        // Whatever follows the gzip stream is still part of the tarball's bytes (and its hash).
        fromReader.transferTo(OutputStream.nullOutputStream());
        inflated.end();
      } catch (InterruptedException e) {
        // closed: stop.
      } catch (IOException | RuntimeException | Error e) {
        inflated.fail(e);
      }
    });
    byte[] buffer = new byte[ChunkPipe.CHUNK];
    int n;
    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
      compressed.put(buffer, n);
    }
    compressed.end();
  }

  /** How many compressed bytes were read: valid once this stream has been drained. */
  long compressedBytes() {
    return compressedBytes;
  }

  @Override
  public int read() throws IOException {
    return source.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return source.read(b, off, len);
  }

  /**
   * The most bytes allowed after a tar's end-of-archive blocks: the padding of its last record
   * (tar writes records of 10 KiB by default), with room to spare.
   */
  static final int MAX_TRAILER = 64 << 10;

  /**
   * Reads to the end, so the whole input has been hashed. What follows the end of the archive may
   * only be the zeros that pad its last record, at most {@link #MAX_TRAILER} of them: anything
   * else (a gigabyte of zeros, hidden data) is refused, and never inflated past that bound.
   */
  void drain() throws IOException {
    byte[] buffer = new byte[8192];
    long trailing = 0;
    for (int n; (n = source.read(buffer, 0, buffer.length)) > 0; ) {
      trailing += n;
      if (trailing > MAX_TRAILER) {
        throw new CorruptTarballException("data after the end of the archive (more than " + MAX_TRAILER
            + " bytes follow its end-of-archive blocks)", null);
      }
      for (int i = 0; i < n; i++) {
        if (buffer[i] != 0) {
          throw new CorruptTarballException("data after the end of the archive (a non-zero byte "
              + (trailing - n + i) + " bytes past its end-of-archive blocks)", null);
        }
      }
    }
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while extracting");
    }
  }

  @Override
  public void close() {
    reader.interrupt();
    Thread running = stage;
    if (running != null) {
      running.interrupt();
    }
    pool.shutdownNow();
  }
}
