package dev.roller.repo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting TCP proxy for tests (after Vaurien): listens on 127.0.0.1, passes each
 * connection on to {@code 127.0.0.1:<port>}, and does to the answers (or, with {@link
 * Fault#onRequests}, to the requests) what its {@link Fault} says: delay them, drip them a byte
 * at a time, reset the connection or cut it cleanly after N bytes, close without answering, go
 * silent (accept and never answer, or stop mid-body), or flip one bit. A fault can wait for a
 * request whose first line holds a given text ({@code /tarball}, say), so that one step of a
 * conversation fails and the rest passes. Bounded: every thread is a daemon, every wait ends when
 * the proxy is closed, and the proxy only ever talks to loopback.
 */
public final class FaultProxy implements AutoCloseable {
  /** What a fault does once it is armed. */
  public enum Kind {
    /** Nothing: bytes pass as they are. */
    NONE,
    /** Waits {@code delay} before passing the first byte on, then passes everything. */
    DELAY,
    /** Passes one byte every {@code delay}. */
    DRIP,
    /** Passes {@code bytes} bytes, then resets both connections (RST). */
    RESET,
    /** Passes {@code bytes} bytes, then closes both connections cleanly (a body cut short). */
    TRUNCATE,
    /** Closes both connections as soon as it is armed: the request is not passed on, nothing is answered. */
    CLOSE,
    /** Passes {@code bytes} bytes, then nothing more, the connection held open until closed from outside. */
    STALL,
    /** Passes everything, with the lowest bit of byte number {@code bytes} flipped. */
    FLIP
  }

  /**
   * A fault: its kind, the byte count or offset it acts at, its delay, the text a request's first
   * line must hold to arm it (null: armed from the first byte), and whether it acts on what the
   * client sends rather than on the answers.
   */
  public record Fault(Kind kind, long bytes, Duration delay, String when, boolean requests) {
    public static Fault none() {
      return new Fault(Kind.NONE, 0, Duration.ZERO, null, false);
    }

    public static Fault of(Kind kind, long bytes, Duration delay) {
      return new Fault(kind, bytes, delay, null, false);
    }

    /** The same fault, armed by the first request whose first line contains {@code text}. */
    public Fault when(String text) {
      return new Fault(kind, bytes, delay, text, requests);
    }

    /** The same fault, done to what the client sends (an upload) instead of to the answers. */
    public Fault onRequests() {
      return new Fault(kind, bytes, delay, when, true);
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + (kind == Kind.NONE ? "" : " at " + bytes + " bytes")
          + (delay.isZero() ? "" : " every " + delay.toMillis() + " ms") + (when == null ? "" : " after a request for " + when)
          + (requests ? " (on requests)" : "");
    }
  }

  /** Every fault kind, each at a place inside a small answer's head or body. */
  public static List<Fault> every(Duration slow) {
    return List.of(Fault.of(Kind.DELAY, 0, slow), Fault.of(Kind.DRIP, 0, Duration.ofMillis(5)),
        Fault.of(Kind.RESET, 120, Duration.ZERO), Fault.of(Kind.TRUNCATE, 200, Duration.ZERO),
        Fault.of(Kind.CLOSE, 0, Duration.ZERO), Fault.of(Kind.STALL, 150, Duration.ZERO),
        Fault.of(Kind.FLIP, 400, Duration.ZERO));
  }

  private final ServerSocket listener;
  private final int target;
  private final Thread acceptor;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();
  private volatile Fault fault = Fault.none();

  private FaultProxy(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "fault-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy in front of {@code 127.0.0.1:port}, passing everything until {@link #set} says otherwise. */
  public static FaultProxy to(int port) throws IOException {
    return new FaultProxy(port);
  }

  /** In front of the server at {@code uri} (on loopback). */
  public static FaultProxy to(URI uri) throws IOException {
    if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
      throw new IllegalArgumentException("a fault proxy only talks to loopback, not " + uri);
    }
    return new FaultProxy(uri.getPort());
  }

  /** The fault for connections made from now on (open ones are closed, so every request meets it). */
  public FaultProxy set(Fault fault) {
    this.fault = fault;
    for (Socket s : sockets) { // kept-alive connections carry the fault they were accepted under: closed
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    return this;
  }

  public Fault fault() {
    return fault;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** How many times a fault (other than {@link Kind#NONE}) was armed. */
  public int injected() {
    return injected.get();
  }

  private void accept() {
    while (closed.getCount() > 0) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      Socket upstream = new Socket();
      sockets.add(client);
      sockets.add(upstream);
      Fault f = fault;
      Connection c = new Connection(client, upstream, f);
      Thread t = new Thread(c::run, "fault-proxy-" + connections.get());
      t.setDaemon(true);
      t.start();
    }
  }

  /** One client connection and its upstream, with the fault in force when it was accepted. */
  private final class Connection {
    final Socket client;
    final Socket upstream;
    final Fault fault;
    volatile boolean armed;

    Connection(Socket client, Socket upstream, Fault fault) {
      this.client = client;
      this.upstream = upstream;
      this.fault = fault;
      this.armed = fault.when() == null && fault.kind() != Kind.NONE;
      if (armed) {
        injected.incrementAndGet();
      }
    }

    void run() {
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5_000);
        Thread up = new Thread(() -> pump(client, upstream, true), "fault-proxy-up");
        up.setDaemon(true);
        up.start();
        pump(upstream, client, false);
      } catch (IOException e) {
        closeBoth(false);
      }
    }

    /** Copies {@code from} to {@code to}; the fault applies in its direction once armed. */
    void pump(Socket from, Socket to, boolean requests) {
      boolean faulted = requests == fault.requests();
      long passed = 0;
      boolean delayed = false;
      StringBuilder line = new StringBuilder();
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            to.shutdownOutput();
            return;
          }
          if (requests && fault.when() != null && !armed) {
            armIfAsked(buf, n, line);
          }
          if (requests && armed && fault.kind() == Kind.CLOSE) {
            closeBoth(false); // before the request goes on: the server never hears of it
            return;
          }
          if (!faulted || !armed) {
            out.write(buf, 0, n);
            out.flush();
            continue;
          }
          switch (fault.kind()) {
            case NONE -> out.write(buf, 0, n);
            case DELAY -> {
              if (!delayed) {
                delayed = true;
                if (closed.await(fault.delay().toMillis(), TimeUnit.MILLISECONDS)) {
                  return;
                }
              }
              out.write(buf, 0, n);
            }
            case DRIP -> {
              for (int i = 0; i < n; i++) {
                out.write(buf[i]);
                out.flush();
                if (closed.await(fault.delay().toMillis(), TimeUnit.MILLISECONDS)) {
                  return;
                }
              }
            }
            case RESET, TRUNCATE, STALL -> {
              int pass = (int) Math.max(0, Math.min(n, fault.bytes() - passed));
              out.write(buf, 0, pass);
              out.flush();
              if (pass < n) {
                if (fault.kind() == Kind.STALL) {
                  closed.await(); // silent, the connection open, until the proxy is closed
                  return;
                }
                closeBoth(fault.kind() == Kind.RESET);
                return;
              }
            }
            case CLOSE -> {
              closeBoth(false);
              return;
            }
            case FLIP -> {
              long at = fault.bytes() - passed;
              if (at >= 0 && at < n) {
                buf[(int) at] ^= 1;
              }
              out.write(buf, 0, n);
            }
          }
          out.flush();
          passed += n;
        }
      } catch (IOException e) {
        closeBoth(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeBoth(false);
      }
    }

    /** Arms the fault when a request line (the text up to a line's end) holds {@code when}. */
    private void armIfAsked(byte[] buf, int n, StringBuilder line) {
      for (int i = 0; i < n && !armed; i++) {
        char ch = (char) (buf[i] & 0xff);
        if (ch == '\n') {
          if (line.toString().contains(fault.when())) {
            armed = true;
            injected.incrementAndGet();
          }
          line.setLength(0);
        } else if (line.length() < 4096) {
          line.append(ch);
        }
      }
    }

    void closeBoth(boolean reset) {
      for (Socket s : List.of(client, upstream)) {
        try {
          if (reset && !s.isClosed()) {
            s.setSoLinger(true, 0);
          }
          s.close();
        } catch (SocketException ignored) {
          // already gone
        } catch (IOException ignored) {
          // closing: nothing to keep
        }
        sockets.remove(s);
      }
    }
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    sockets.clear();
  }
}
