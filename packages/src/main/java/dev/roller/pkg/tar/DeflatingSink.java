package dev.roller.pkg.tar;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Gzips what is written to it on every core: each {@link GzipMembers#BLOCK} of input becomes one
 * gzip member, compressed by a pool thread, and a writer thread puts the members out in order.
 * The output does not depend on the threads' timing. At most a few blocks per core are in flight.
 * {@link #finish} must be called to complete the stream; {@link #close} without it abandons it.
 * One writer.
 */
final class DeflatingSink extends OutputStream {
  private static final Future<byte[]> END = CompletableFuture.completedFuture(null);

  private final ExecutorService pool = Workers.perCore("deflate");
  private final BlockingQueue<Future<byte[]>> ordered =
      new ArrayBlockingQueue<>(2 * Runtime.getRuntime().availableProcessors() + 2);
  private final Thread writer;
  private volatile IOException failure;
  private final byte[] block = new byte[GzipMembers.BLOCK];
  private int filled;
  private boolean finished;

  DeflatingSink(OutputStream target) {
    writer = Workers.start("gzip-writer", () -> writeMembers(target));
  }

  private void writeMembers(OutputStream target) {
    try {
      for (Future<byte[]> next = ordered.take(); next != END; next = ordered.take()) {
        target.write(next.get());
      }
    } catch (InterruptedException e) {
      // Abandoned by close(): stop.
    } catch (IOException e) {
      failure = e;
    } catch (ExecutionException e) {
      failure = new IOException(e.getCause());
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == block.length) {
      hand();
    }
    block[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == block.length) {
        hand();
      }
      int n = Math.min(len, block.length - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  private void hand() throws IOException {
    byte[] data = Arrays.copyOf(block, filled);
    filled = 0;
    enqueue(pool.submit(() -> GzipMembers.compress(data, data.length)));
  }

  private void enqueue(Future<byte[]> member) throws IOException {
    try {
      // Offer with a timeout so a dead writer (disk full) surfaces instead of blocking forever.
      while (!ordered.offer(member, 100, TimeUnit.MILLISECONDS)) {
        throwIfFailed();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    }
    throwIfFailed();
  }

  private void throwIfFailed() throws IOException {
    if (failure != null) {
      throw new IOException("compressing failed: " + failure.getMessage(), failure);
    }
  }

  /** Compresses what is left and waits until every member is written to the target. */
  void finish() throws IOException {
    if (filled > 0) {
      hand();
    }
    enqueue(END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    }
    throwIfFailed();
    finished = true;
    pool.shutdown();
  }

  @Override
  public void close() {
    if (!finished) {
      writer.interrupt();
      pool.shutdownNow();
    }
  }
}
