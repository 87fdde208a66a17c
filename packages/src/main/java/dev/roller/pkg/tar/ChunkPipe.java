package dev.roller.pkg.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded pipe of byte chunks from one producer thread to one reader, with the producer's
 * failure handed to the reader. Each stage of extraction runs on its own thread and talks to the
 * next through one of these (at most {@code chunks} chunks in flight). A failure waits for room
 * like any chunk, so it always reaches the reader, after the chunks before it; and the reader
 * waits at most {@link #STALL} for the next chunk, so a stage that died without a word cannot hang
 * it.
 */
final class ChunkPipe {
  static final int CHUNK = 1 << 18;
  private static final byte[] END = new byte[0];
  /** The longest the reader waits for a stage (each stage inflates at most a megabyte between chunks). */
  static final java.time.Duration STALL = java.time.Duration.ofMinutes(5);

  private final BlockingQueue<Object> queue;

  ChunkPipe(int chunks) {
    queue = new ArrayBlockingQueue<>(chunks);
  }

  /** Called by the producer. Copies {@code n} bytes of {@code buffer}. */
  void put(byte[] buffer, int n) throws InterruptedException {
    queue.put(Arrays.copyOf(buffer, n));
  }

  /** Called by the producer: hands over {@code chunk} itself (the producer no longer touches it). */
  void putOwned(byte[] chunk) throws InterruptedException {
    if (chunk.length > 0) {
      queue.put(chunk);
    }
  }

  /** Called by the producer when it is done. */
  void end() throws InterruptedException {
    queue.put(END);
  }

  /**
   * Called by the producer when it failed: the reader gets {@code e} once it has read what came
   * before. Waits for room (dropping the failure when the queue is full left the reader waiting
   * for ever); returns at once if the producer is interrupted, which means the reader closed.
   */
  void fail(Throwable e) {
    try {
      queue.put(e instanceof Exception ex ? ex : new IOException("an extraction stage failed: " + e, e));
    } catch (InterruptedException closed) {
      Thread.currentThread().interrupt();
    }
  }

  /** The reading end. */
  InputStream source() {
    return new InputStream() {
      private byte[] current = new byte[0];
      private int position;
      private boolean ended;

      private boolean fill() throws IOException {
        while (position == current.length) {
          if (ended) {
            return false;
          }
          Object next;
          try {
            next = queue.poll(STALL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while extracting");
          }
          if (next == null) {
            throw new CorruptTarballException("extraction stalled: no data for " + STALL.toMinutes() + " minutes", null);
          }
          if (next instanceof Exception e) {
            throw e instanceof CorruptTarballException corrupt ? corrupt : new CorruptTarballException(CorruptTarballException.describe(e), e);
          }
          current = (byte[]) next;
          position = 0;
          ended = current == END;
        }
        return true;
      }

      @Override
      public int read() throws IOException {
        return fill() ? current[position++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
      }
    };
  }
}
