package dev.roller.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * roll's and foreman's one way to talk to config servers. Servers are tried in order: one that
 * cannot be reached, times out or answers 5xx is passed over for the next (and the caller hears
 * it, so a failover is never silent); any other answer is the repo's and is final. Every request
 * has a connect timeout, a read timeout (the longest silence) and an overall deadline, after which
 * its connection is closed from outside, so a server that drips one byte at a time cannot hold a
 * host. A body over its bound is refused whole, never cut. Thread-safe.
 *
 * <p>Built on the JDK's {@link HttpURLConnection}: no TLS set-up unless a server is https, which
 * keeps a no-op roll quick, and the JVM's proxy settings apply.
 */
public final class ServerClient {
  /** How long roll and foreman wait for a server to accept a connection. */
  public static final java.time.Duration CONNECT = java.time.Duration.ofSeconds(5);
  /**
   * The longest silence roll and foreman take from a server (no byte of an answer for this long)
   * before passing it over for the next: a server that accepts and never answers, or stops
   * mid-body, costs a host this, not minutes.
   */
  public static final java.time.Duration SILENCE = java.time.Duration.ofSeconds(15);
  /** How long roll and foreman give a small answer (a spec, the users) in all, however it trickles. */
  public static final java.time.Duration ANSWER_DEADLINE = java.time.Duration.ofSeconds(20);

  /** An answer: the server that gave it, its status, the headers asked for, and its body. */
  public record Response(URI server, int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The message of an {@code error: <message>} body, or the body itself, shortened. */
    public String error() {
      String text = text().strip();
      if (text.startsWith("error: ")) {
        text = text.substring(7);
        if (text.length() > 1 && text.startsWith("'") && text.endsWith("'")) {
          text = text.substring(1, text.length() - 1).replace("''", "'");
        }
      }
      return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
  }

  /** Reads a streamed answer's body (a tarball), within the request's deadline. */
  public interface BodyReader {
    void read(InputStream body) throws IOException;
  }

  /** No server answered: every failure, server by server. */
  public static final class Unreachable extends IOException {
    Unreachable(String message) {
      super(message);
    }
  }

  /** Closes connections whose deadline passed; one daemon thread for the whole process. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "server-deadline");
    t.setDaemon(true);
    return t;
  });

  private final List<URI> servers;
  private final int connectMillis;
  private final int readMillis;
  private final Consumer<String> warn;
  private volatile javax.net.ssl.SSLSocketFactory tls;
  /** The server that answered after others failed: asked first from then on (null: the given order). */
  private volatile URI lastGood;

  /** HTTPS servers are checked against these sockets' trust ({@code ca:} in roll.yml) rather than the system's CAs. */
  public ServerClient tls(javax.net.ssl.SSLSocketFactory factory) {
    this.tls = factory;
    return this;
  }

  public ServerClient(List<URI> servers, Duration connectTimeout, Duration readTimeout, Consumer<String> warn) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no config server given");
    }
    this.servers = List.copyOf(servers);
    this.connectMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.readMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    this.warn = warn;
  }

  public List<URI> servers() {
    return servers;
  }

  /**
   * {@code GET path} with {@code headers}; the body read whole if at most {@code maxBytes}. Returns
   * the first answer that is not a 5xx, with the response headers named in {@code keep}.
   */
  public Response get(String path, Map<String, String> headers, List<String> keep, long maxBytes, Duration deadline)
      throws Unreachable {
    return get(path, headers, keep, maxBytes, deadline, Duration.ZERO);
  }

  /**
   * As above, for a long-poll the server may hold for up to {@code wait} before it answers: the
   * read timeout and the deadline both grow by that much.
   */
  public Response get(String path, Map<String, String> headers, List<String> keep, long maxBytes, Duration deadline,
      Duration wait) throws Unreachable {
    return send("GET", path, headers, null, keep, maxBytes, deadline.plus(wait), null, wait.toMillis());
  }

  /** {@code POST path} with {@code body}; the answer's body read if at most {@code maxBytes}. */
  public Response post(String path, String contentType, byte[] body, long maxBytes, Duration deadline) throws Unreachable {
    return post(path, Map.of("Content-Type", contentType), body, maxBytes, deadline);
  }

  /** {@code POST path} with {@code body} and these request {@code headers}. */
  public Response post(String path, Map<String, String> headers, byte[] body, long maxBytes, Duration deadline) throws Unreachable {
    return send("POST", path, headers, body, List.of(), maxBytes, deadline, null, 0);
  }

  /**
   * {@code GET path}, a 200's body handed to {@code reader} as it streams (within the deadline); an
   * {@link IOException} from the reader passes this server over for the next, like a failed
   * connection. Returns the answer (its body empty for a 200, the error body otherwise).
   */
  public Response stream(String path, Duration deadline, BodyReader reader) throws Unreachable {
    return send("GET", path, Map.of(), null, List.of(), 64 << 10, deadline, reader, 0);
  }

  private Response send(String method, String path, Map<String, String> headers, byte[] body, List<String> keep,
      long maxBytes, Duration deadline, BodyReader reader, long waitMillis) throws Unreachable {
    List<String> failures = new ArrayList<>();
    List<URI> order = new ArrayList<>(servers);
    URI good = lastGood;
    if (good != null && order.remove(good)) {
      order.add(0, good); // a server passed over once is not waited on again at every request
    }
    for (int i = 0; i < order.size(); i++) {
      URI server = order.get(i);
      String failure;
      HttpURLConnection c = null;
      ScheduledFuture<?> timer = null;
      boolean[] expired = {false};
      try {
        c = (HttpURLConnection) server.resolve(path).toURL().openConnection();
        if (tls != null && c instanceof javax.net.ssl.HttpsURLConnection https) {
          https.setSSLSocketFactory(tls);
        }
        HttpURLConnection conn = c;
        timer = WATCHDOG.schedule(() -> {
          expired[0] = true;
          conn.disconnect();
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        c.setRequestMethod(method);
        c.setConnectTimeout(connectMillis);
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, readMillis + waitMillis));
        c.setUseCaches(false);
        c.setInstanceFollowRedirects(false);
        c.setRequestProperty("Accept", "application/yaml");
        headers.forEach(c::setRequestProperty);
        if (body != null) {
          c.setDoOutput(true);
          c.setFixedLengthStreamingMode(body.length);
          try (OutputStream out = c.getOutputStream()) {
            out.write(body);
          }
        }
        int status = c.getResponseCode();
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        for (String name : keep) {
          // Every value, joined: a header sent twice (two signatures, say) never passes for one.
          List<String> values = null;
          for (Map.Entry<String, List<String>> e : c.getHeaderFields().entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
              values = e.getValue();
            }
          }
          if (values != null && !values.isEmpty()) {
            kept.put(name, String.join(", ", values));
          }
        }
        byte[] bytes;
        if (status == 200 && reader != null) {
          try (InputStream in = c.getInputStream()) {
            reader.read(in);
          }
          bytes = new byte[0];
        } else {
          bytes = read(c, status, status < 400 ? maxBytes : 64 << 10);
          long declared = c.getContentLengthLong();
          // An error's body is only its explanation (the JDK withholds a 401's on a streamed POST).
          if (declared >= 0 && bytes.length != declared && status < 400) {
            throw new IOException("the answer was cut short: " + bytes.length + " of " + declared + " bytes");
          }
          String digest = status == 200 ? c.getHeaderField(dev.roller.repo.trust.ContentDigest.HEADER) : null;
          String changed = digest == null ? null : dev.roller.repo.trust.ContentDigest.problem(digest, bytes);
          if (changed != null) {
            throw new IOException("refused its answer: " + changed);
          }
        }
        // A connection closed at the deadline can look like the end of a body sent without a
        // length: an answer is only taken if it was whole before the deadline.
        if (!timer.cancel(false) || expired[0]) {
          throw new IOException("cut off at the deadline");
        }
        if (status < 500) {
          if (!failures.isEmpty()) {
            warn.accept(server + " answered after " + String.join("; ", failures));
            lastGood = server;
          }
          return new Response(server, status, kept, bytes);
        }
        failure = server + ": HTTP " + status + ": " + new Response(server, status, kept, bytes).error();
      } catch (IOException e) {
        failure = server + ": " + (expired[0] ? "no complete answer within " + deadline.toSeconds() + " s (" + describe(e) + ")"
            : describe(e));
      } finally {
        if (timer != null) {
          timer.cancel(false);
        }
        if (c != null) {
          c.disconnect();
        }
      }
      failures.add(failure);
      if (i + 1 < order.size()) {
        warn.accept("config server " + failure + "; trying " + order.get(i + 1));
      }
    }
    throw new Unreachable("no config server answered " + method + " " + path + ": " + String.join("; ", failures));
  }

  /** The body, whole: one over {@code maxBytes} is refused (an IOException), never cut short. */
  private static byte[] read(HttpURLConnection c, int status, long maxBytes) throws IOException {
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      if (in == null) {
        String reason = status >= 400 ? c.getResponseMessage() : null;
        return reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw new IOException("the answer is larger than " + maxBytes + " bytes: refused whole");
      }
      return bytes;
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
