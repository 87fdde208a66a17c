package dev.roller.repo.trust;

import java.security.MessageDigest;
import java.util.Base64;

/**
 * RFC 9530's {@code Content-Digest: sha-256=:<base64>:}, which the config server puts on every
 * document it answers and roll and foreman check before they use one: a byte changed on the way
 * (by a bad link or a middlebox) is noticed even where nothing is signed. Not a trust anchor: a
 * server, or whoever can rewrite its answers, can send any digest; signatures (§9) are for that.
 */
public final class ContentDigest {
  public static final String HEADER = "Content-Digest";

  private ContentDigest() {}

  /** The header's value for a body whose sha256 is {@code sha256}. */
  public static String header(byte[] sha256) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
  }

  /**
   * Why {@code body} does not match the header's {@code value}, or null when it does. A value with
   * no sha-256 member is a problem too: this server always sends one.
   */
  public static String problem(String value, byte[] body) {
    String expected = null;
    for (String member : value.split(",")) {
      String m = member.strip();
      if (m.startsWith("sha-256=:") && m.endsWith(":") && m.length() > "sha-256=::".length()) {
        expected = m.substring("sha-256=:".length(), m.length() - 1);
      }
    }
    if (expected == null) {
      return "its Content-Digest has no sha-256 (" + value + ")";
    }
    byte[] sent;
    try {
      sent = Base64.getDecoder().decode(expected);
    } catch (IllegalArgumentException e) {
      return "its Content-Digest is not base64 (" + value + ")";
    }
    byte[] actual = dev.roller.repo.model.Sha256.newDigest().digest(body);
    return MessageDigest.isEqual(sent, actual) ? null
        : "its body (" + body.length + " bytes) does not match its Content-Digest: changed on the way";
  }
}
