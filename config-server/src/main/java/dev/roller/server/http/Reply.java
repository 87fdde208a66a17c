package dev.roller.server.http;

import java.io.InputStream;
import java.util.Map;

/**
 * What a view answers: a status and either a document (maps, lists and scalars, rendered as YAML
 * or JSON), committed file bytes, or a stream (a tarball). {@code commit} goes in
 * {@code X-Roller-Commit}. {@code etag}, when set, is sent instead of a hash of the body (a weak
 * ETag naming what the answer means rather than its bytes); {@code headers} are sent as they are;
 * one to {@code sign} carries {@code X-Roller-Signature} over its bytes when the server signs.
 */
public record Reply(int status, Object document, byte[] file, InputStream stream, long length, String contentType, String commit,
    String etag, Map<String, String> headers, boolean sign) {
  Reply(int status, Object document, byte[] file, InputStream stream, long length, String contentType, String commit) {
    this(status, document, file, stream, length, contentType, commit, null, Map.of(), false);
  }

  /** This reply with a weak ETag for {@code value}. */
  Reply weakEtag(String value) {
    return new Reply(status, document, file, stream, length, contentType, commit, "W/\"" + value + "\"", headers, sign);
  }

  /** This reply signed, when the server has a signing key (a spec or users answer, DESIGN §9). */
  Reply signed() {
    return new Reply(status, document, file, stream, length, contentType, commit, etag, headers, true);
  }

  /** This reply with one more response header. */
  Reply header(String name, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new Reply(status, document, file, stream, length, contentType, commit, etag, Map.copyOf(more), sign);
  }

  static Reply document(String commit, Object document) {
    return new Reply(200, document, null, null, -1, null, commit);
  }

  static Reply document(int status, String commit, Object document) {
    return new Reply(status, document, null, null, -1, null, commit);
  }

  static Reply file(String commit, byte[] bytes) {
    return new Reply(200, null, bytes, null, bytes.length, "application/yaml", commit);
  }

  static Reply stream(String commit, InputStream stream, long length, String contentType) {
    return new Reply(200, null, null, stream, length, contentType, commit);
  }
}
