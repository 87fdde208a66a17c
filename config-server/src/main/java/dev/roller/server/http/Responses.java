package dev.roller.server.http;

import dev.roller.repo.trust.ContentDigest;
import dev.roller.repo.trust.Signatures;
import dev.roller.server.snapshot.Snapshot;
import dev.roller.server.snapshot.Snapshots;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.ETag;
import io.undertow.util.ETagUtils;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;

/**
 * The one place replies and errors become responses: {@code X-Roller-Commit} on every one,
 * documents rendered in the format asked for with an ETag honoured by {@code If-None-Match},
 * answers marked to sign signed over their exact bytes, errors as {@code error: <message>} with
 * their status, never a stack trace.
 */
final class Responses {
  static final HttpString COMMIT_HEADER = new HttpString("X-Roller-Commit");
  static final HttpString SIGNATURE_HEADER = new HttpString(Signatures.HEADER);
  static final HttpString CONTENT_DIGEST_HEADER = new HttpString(ContentDigest.HEADER);

  private final Signatures.Signer signer;

  /** {@code signer} null: nothing is signed. */
  Responses(Signatures.Signer signer) {
    this.signer = signer;
  }

  /** Writes {@code reply}; returns what was sent when it is a 200 document or file (cacheable), else null. */
  ResponseCache.Entry send(HttpServerExchange exchange, Reply reply, Render.Format format) throws java.io.IOException {
    exchange.getResponseHeaders().put(COMMIT_HEADER, reply.commit() == null ? "" : reply.commit());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
    if (reply.stream() != null) {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, reply.contentType());
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, reply.length());
      try (InputStream in = reply.stream(); OutputStream out = exchange.getOutputStream()) {
        in.transferTo(out);
      }
      return null;
    }
    byte[] body;
    String contentType;
    if (reply.file() != null) {
      body = reply.file();
      contentType = reply.contentType();
    } else {
      body = Render.render(reply.document(), format);
      contentType = format.contentType;
    }
    byte[] sha256 = dev.roller.repo.model.Sha256.newDigest().digest(body);
    String etag = reply.etag() != null ? reply.etag() : "\"" + HexFormat.of().formatHex(sha256, 0, 16) + "\"";
    exchange.getResponseHeaders().put(Headers.ETAG, etag);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    Map<String, String> sentHeaders = new java.util.HashMap<>(reply.headers());
    // RFC 9530: a client sees whether the bytes it read are the bytes sent (a byte flipped on the way).
    String contentDigest = ContentDigest.header(sha256);
    exchange.getResponseHeaders().put(CONTENT_DIGEST_HEADER, contentDigest);
    sentHeaders.put(CONTENT_DIGEST_HEADER.toString(), contentDigest);
    // Signed once per answer made (a cached one keeps its signature), over the exact bytes sent.
    String signature = reply.sign() && signer != null && reply.status() == 200 ? signer.header(body) : null;
    if (signature != null) {
      exchange.getResponseHeaders().put(SIGNATURE_HEADER, signature);
      sentHeaders.put(SIGNATURE_HEADER.toString(), signature);
    }
    if (reply.status() == 200 && notModified(exchange, etag)) {
      exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
      exchange.endExchange();
    } else {
      exchange.setStatusCode(reply.status());
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
    return reply.status() == 200 ? new ResponseCache.Entry(body, contentType, etag, Map.copyOf(sentHeaders), System.nanoTime())
        : null;
  }

  static void error(HttpServerExchange exchange, int status, String message) {
    error(exchange, status, message, Render.Format.YAML);
  }

  static void error(HttpServerExchange exchange, int status, String message, Render.Format format) {
    if (exchange.isResponseStarted()) {
      exchange.endExchange();
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, format.contentType);
    exchange.getResponseSender().send(ByteBuffer.wrap(Render.render(Map.of("error", message), format)));
  }

  static void internalError(HttpServerExchange exchange, RuntimeException e) {
    System.err.println("config-server: internal error on " + exchange.getRequestMethod() + " " + exchange.getRequestPath());
    e.printStackTrace();
    error(exchange, 500, "internal error (the server's log has the details)");
  }

  static Render.Format safeFormat(Request request) {
    try {
      return request.format();
    } catch (ApiException e) {
      return Render.Format.YAML;
    }
  }

  /** The answer to a view's {@link ApiException}: its status and message, with the commit served. */
  static void failed(HttpServerExchange exchange, Request request, Snapshots snapshots, ApiException e) {
    Snapshot current = snapshots.current();
    exchange.getResponseHeaders().put(COMMIT_HEADER, current == null ? "" : current.commit());
    error(exchange, e.status(), e.getMessage(), safeFormat(request));
  }

  /** Sends a kept answer (or a 304 for it) from the I/O thread, with every header it was first sent with. */
  static void sendKept(HttpServerExchange exchange, String commit, ResponseCache.Entry hit) {
    exchange.getResponseHeaders().put(COMMIT_HEADER, commit);
    exchange.getResponseHeaders().put(Headers.ETAG, hit.etag());
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, hit.contentType());
    hit.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
    if (notModified(exchange, hit.etag())) {
      exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
      exchange.endExchange();
    } else {
      exchange.getResponseSender().send(ByteBuffer.wrap(hit.body()));
    }
  }

  /** Whether {@code If-None-Match} names {@code etag} (weak comparison, as GET allows), by Undertow's own parser. */
  static boolean notModified(HttpServerExchange exchange, String etag) {
    boolean weak = etag.startsWith("W/");
    String quoted = weak ? etag.substring(2) : etag;
    return !ETagUtils.handleIfNoneMatch(exchange, new ETag(weak, quoted.substring(1, quoted.length() - 1)), true);
  }
}
