package dev.roller.server.http;

import io.undertow.io.Receiver;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Request bodies (reports, package uploads) read without holding a worker thread. The I/O thread
 * takes each body as it arrives (Undertow's non-blocking receiver), a deadline closes the
 * connection of a body that takes too long, and only a complete body goes, with its view, to the
 * upload pool: a few threads and a bounded queue of their own. However many clients send slowly,
 * the workers that answer specs, users and tarballs are never theirs; past the queue an upload is
 * told 503 at once.
 */
final class Uploads implements AutoCloseable {
  /** The body of a request, once complete: bytes for a report, a file for a package. */
  static final AttachmentKey<byte[]> BYTES = AttachmentKey.create(byte[].class);
  static final AttachmentKey<Path> FILE = AttachmentKey.create(Path.class);

  /** Time a body gets on top of the base deadline for each MiB it declares (a floor of 1 MiB/s). */
  static final Duration PER_MIB = Duration.ofSeconds(1);

  private final String name;
  private final ThreadPoolExecutor pool;
  private final Duration deadline;

  /**
   * @param name the threads' name ("upload", "report")
   * @param threads the pool's threads (parse, inspect, store)
   * @param queue complete bodies waiting for a thread, at most
   * @param deadline a body must arrive whole within this (plus {@link #PER_MIB} for each MiB declared)
   */
  Uploads(String name, int threads, int queue, Duration deadline) {
    this.name = name;
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    });
    this.deadline = deadline;
  }

  /** A body of at most {@code max} bytes, kept in memory ({@link #BYTES}), then {@code then} on the upload pool. */
  HttpHandler inMemory(int max, HttpHandler then) {
    return exchange -> {
      XnioExecutor.Key timer = deadline(exchange, max, () -> {});
      Receiver receiver = exchange.getRequestReceiver();
      receiver.setMaxBufferSize(max);
      receiver.receiveFullBytes((ex, bytes) -> {
        timer.remove();
        ex.putAttachment(BYTES, bytes);
        dispatch(ex, then, () -> {});
      }, (ex, e) -> {
        timer.remove();
        refuse(ex, e, max);
      });
    };
  }

  /**
   * A body of at most {@code max} bytes written to a fresh file under {@code dir} ({@link #FILE}),
   * which is removed once {@code then} has run on the upload pool. {@code check} runs first, on
   * the I/O thread, before a byte is read: a refusal there (bad token, bad name, too large) costs
   * the server nothing.
   */
  HttpHandler toFile(Path dir, long max, Function<HttpServerExchange, ApiException> check, HttpHandler then) {
    return exchange -> {
      ApiException refused = check.apply(exchange);
      if (refused != null) {
        Responses.error(exchange, refused.status(), refused.getMessage());
        return;
      }
      Path file;
      FileChannel out;
      try {
        Files.createDirectories(dir);
        file = Files.createTempFile(dir, ".upload-", ".tmp");
        out = FileChannel.open(file, StandardOpenOption.WRITE);
      } catch (IOException e) {
        Responses.error(exchange, 503, "cannot take uploads: " + e.getMessage());
        return;
      }
      Runnable cleanup = () -> {
        IoUtils.safeClose(out);
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a stray upload file is only disk space; the answer matters more
        }
      };
      AtomicBoolean failed = new AtomicBoolean();
      XnioExecutor.Key timer = deadline(exchange, max, () -> {
        failed.set(true);
        cleanup.run();
      });
      Runnable abandon = () -> {
        failed.set(true);
        timer.remove();
        cleanup.run();
      };
      long[] total = {0};
      // Each part is written where it arrives, on the I/O thread: a page-cache copy of one buffer.
      exchange.getRequestReceiver().receivePartialBytes((ex, bytes, last) -> {
        if (failed.get()) {
          return;
        }
        try {
          total[0] += bytes.length;
          if (total[0] > max) {
            throw new ApiException(413, "upload is over the limit of " + max + " bytes");
          }
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
          if (last) {
            timer.remove();
            out.close();
            ex.putAttachment(FILE, file);
            dispatch(ex, then, cleanup);
          }
        } catch (ApiException e) {
          abandon.run();
          Responses.error(ex, e.status(), e.getMessage());
        } catch (IOException e) {
          abandon.run();
          Responses.error(ex, 503, "cannot keep the upload: " + e.getMessage());
        }
      }, (ex, e) -> {
        abandon.run();
        refuse(ex, e, max);
      });
    };
  }

  /** Threads busy, the pool's size, and complete bodies waiting: for /health. */
  int busy() {
    return pool.getActiveCount();
  }

  int threads() {
    return pool.getMaximumPoolSize();
  }

  int queued() {
    return pool.getQueue().size();
  }

  /** What {@code /health} says when every thread is busy and bodies wait, or null. */
  String saturated() {
    return queued() == 0 ? null : "all " + threads() + " " + name + " threads busy, " + queued() + " " + name + "s waiting";
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /**
   * Closes the connection (after {@code expired}) when the body is not all there in time; removed
   * once it is. A body of unknown length (chunked) is given the time its largest allowed size would
   * get: only an upload that passed its token check can be that large.
   */
  private XnioExecutor.Key deadline(HttpServerExchange exchange, long max, Runnable expired) {
    long length = exchange.getRequestContentLength();
    long declared = length >= 0 ? length : max;
    long millis = deadline.toMillis() + PER_MIB.toMillis() * ((declared + (1 << 20) - 1) >> 20);
    return exchange.getIoThread().executeAfter(() -> {
      System.err.println("config-server: " + exchange.getRequestMethod() + " " + exchange.getRequestPath() + " from "
          + exchange.getSourceAddress() + ": body not received within " + millis + " ms, connection closed");
      expired.run();
      IoUtils.safeClose(exchange.getConnection());
    }, millis, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code then} on the upload pool (blocking allowed there), or answers 503 when the pool is full. */
  private void dispatch(HttpServerExchange exchange, HttpHandler then, Runnable cleanup) {
    Executor guarded = task -> {
      try {
        pool.execute(task);
      } catch (RejectedExecutionException e) {
        cleanup.run();
        exchange.getIoThread().execute(() -> Connectors.executeRootHandler(ex -> Responses.error(ex, 503,
            "the server is busy with " + pool.getQueue().size() + " " + name + "s waiting; try again shortly"), exchange));
      }
    };
    exchange.dispatch(guarded, ex -> {
      try {
        ex.startBlocking();
        then.handleRequest(ex);
      } finally {
        cleanup.run();
      }
    });
  }

  private static void refuse(HttpServerExchange exchange, IOException e, long max) {
    if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
      Responses.error(exchange, 413, "the body is over the limit of " + max + " bytes");
    } else {
      // The client's side: it hung up, or sent less than it declared. Its fault, not the server's.
      Responses.error(exchange, 400, "upload truncated or interrupted: " + e.getMessage());
    }
  }
}
