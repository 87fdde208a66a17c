package dev.roller.pkg.tar;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads for the compression and extraction stages, so a stuck stage never keeps a JVM alive. */
final class Workers {
  private Workers() {}

  static Thread start(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** A pool with one thread per core, for work that is split into independent blocks. */
  static ExecutorService perCore(String name) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
      Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }
}
