package dev.roller.server.http;

import java.io.InputStream;

/**
 * What a view answers: a status and either a document (maps, lists and scalars, rendered as YAML
 * or JSON), committed file bytes, or a stream (a tarball). {@code commit} goes in
 * {@code X-Roller-Commit}.
 */
public record Reply(int status, Object document, byte[] file, InputStream stream, long length, String contentType, String commit) {
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
