package dev.roller.server;

import dev.roller.pkg.store.CachingStore;
import dev.roller.pkg.store.NoSuchPackageException;
import dev.roller.pkg.store.PackageStore;
import dev.roller.repo.model.PackageRef;
import dev.roller.server.snapshot.Snapshot;
import java.io.IOException;
import dev.roller.server.http.Api;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.xnio.Options;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running config server: the HTTP API on Undertow, over snapshots refreshed every {@code poll}
 * (and on {@code POST /hooks/refresh}). It keeps no state of its own: the truth is the git repo and
 * the package store, so any number can run side by side.
 */
public final class ConfigServerApp implements AutoCloseable {
  /** The largest package upload accepted. */
  public static final long MAX_UPLOAD = 4L << 30;

  private final Snapshots snapshots;
  private final Undertow undertow;
  private final ScheduledExecutorService poller;
  private final Api api;

  private ConfigServerApp(Snapshots snapshots, Undertow undertow, ScheduledExecutorService poller, Api api) {
    this.snapshots = snapshots;
    this.undertow = undertow;
    this.poller = poller;
    this.api = api;
  }

  /**
   * Starts listening on {@code bind:port} (port 0: any free one) at once, answering 503 until the
   * first good commit is loaded, which the poller does first thing.
   */
  public static ConfigServerApp start(Snapshots snapshots, PackageStore store, String publishToken, Path uploads,
      String bind, int port, Duration poll) {
    return start(snapshots, store, publishToken, uploads, bind, port, poll, defaultWorkers());
  }

  /** Worker threads for requests that may block (store, git): Undertow's own default, 8 per core, at least 16. */
  public static int defaultWorkers() {
    return Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
  }

  /** As above, with {@code workers} threads for requests that may block. */
  public static ConfigServerApp start(Snapshots snapshots, PackageStore store, String publishToken, Path uploads,
      String bind, int port, Duration poll, int workers) {
    return start(snapshots, store, publishToken, uploads, bind, port, poll, ServerLimits.defaults().withWorkers(workers));
  }

  /** As above, with every resource limit given. */
  public static ConfigServerApp start(Snapshots snapshots, PackageStore store, String publishToken, Path uploads,
      String bind, int port, Duration poll, ServerLimits limits) {
    return start(snapshots, store, publishToken, uploads, bind, port, poll, limits, null);
  }

  /** As above; with a {@code signer}, every spec and users answer is signed (DESIGN §9). */
  public static ConfigServerApp start(Snapshots snapshots, PackageStore store, String publishToken, Path uploads,
      String bind, int port, Duration poll, ServerLimits limits, dev.roller.repo.trust.Signatures.Signer signer) {
    return start(snapshots, store, publishToken, uploads, bind, port, poll, limits, signer, null);
  }

  /** As above; with {@code tls} (see {@link ServerTls}), HTTPS only. */
  public static ConfigServerApp start(Snapshots snapshots, PackageStore store, String publishToken, Path uploads,
      String bind, int port, Duration poll, ServerLimits limits, dev.roller.repo.trust.Signatures.Signer signer,
      javax.net.ssl.SSLContext tls) {
    return start(snapshots, store, publishToken, uploads, bind, port, poll, limits, signer, tls, null);
  }

  /** As above; with a {@code hookSecret}, {@code POST /hooks/refresh} needs a hook's signature made with it. */
  public static ConfigServerApp start(Snapshots snapshots, PackageStore store, String publishToken, Path uploads,
      String bind, int port, Duration poll, ServerLimits limits, dev.roller.repo.trust.Signatures.Signer signer,
      javax.net.ssl.SSLContext tls, byte[] hookSecret) {
    if (store instanceof CachingStore cache) {
      snapshots.onSwap(snapshot -> prefetch(snapshot, cache));
    }
    Api api = new Api(snapshots, store, publishToken, uploads, MAX_UPLOAD, limits, signer).hookSecret(hookSecret);
    Undertow.Builder builder = Undertow.builder();
    if (tls == null) {
      builder.addHttpListener(port, bind);
    } else {
      builder.addHttpsListener(port, bind, tls);
    }
    Undertow undertow = builder
        .setWorkerThreads(limits.workers())
        .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) limits.idleTimeout().toMillis())
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) limits.parseTimeout().toMillis())
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.noRequestTimeout().toMillis())
        // Raw \, ^ and non-ASCII bytes in a path reach the handlers, which refuse them with an
        // error: line (naming rules, or no such resource) instead of the parser's empty 400.
        .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
        // Past the high-water mark the listener stops accepting (new connections wait in the kernel's
        // queue) instead of running out of file descriptors, where accept fails and nothing answers.
        .setSocketOption(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
        .setSocketOption(Options.CONNECTION_LOW_WATER, Math.max(1, limits.maxConnections() * 9 / 10))
        .setHandler(api.handler())
        .build();
    undertow.start();
    // Two threads: the repo's commits and the store's reports are polled side by side, so loading
    // 100,000 reports at start does not hold the first commit back (nor a slow store the next).
    ScheduledExecutorService poller = Executors.newScheduledThreadPool(2, r -> {
      Thread thread = new Thread(r, "poller");
      thread.setDaemon(true);
      return thread;
    });
    snapshots.pollEvery(poll);
    poller.scheduleWithFixedDelay(() -> {
      try {
        snapshots.refresh();
      } catch (Throwable e) {
        // An exception escaping a scheduled task cancels every later run: log it and poll on.
        System.err.println("config-server: refresh failed: " + e);
      }
    }, 0, Math.max(1, poll.toMillis()), TimeUnit.MILLISECONDS);
    poller.scheduleWithFixedDelay(() -> {
      try {
        String failed = api.refreshReports();
        if (failed != null) {
          System.err.println("config-server: " + failed);
        }
      } catch (Throwable e) {
        System.err.println("config-server: refreshing the reports failed: " + e);
      }
    }, 0, Math.max(1, poll.toMillis()), TimeUnit.MILLISECONDS);
    return new ConfigServerApp(snapshots, undertow, poller, api);
  }

  /**
   * Brings every published package the commit names into the local cache, so this server keeps
   * serving them through an S3 outage. Runs on the refreshing thread, never on a request's.
   */
  static void prefetch(Snapshot snapshot, CachingStore cache) {
    snapshot.repo().index().packages().forEach((name, versions) -> versions.keySet().forEach(version -> {
      PackageRef ref = new PackageRef(name, version);
      try {
        cache.fetch(ref);
      } catch (NoSuchPackageException e) {
        // Not published yet: the spec says so (422) until it is.
      } catch (IOException e) {
        System.err.println("config-server: cannot prefetch " + ref + ": " + e.getMessage());
      }
    }));
  }

  /** Reads the store's reports again now (the poller does it every poll); returns why it could not, or null. */
  public String refreshReports() {
    return api.refreshReports();
  }

  /** Waits until every history trim asked for so far is done (tests, and a clean stop). */
  public void flushHistory() throws IOException {
    api.flushHistory();
  }

  public Snapshots snapshots() {
    return snapshots;
  }

  /** The port listened on (the free one picked when started with port 0). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  @Override
  public void close() {
    poller.shutdownNow();
    undertow.stop();
    api.close();
  }
}
