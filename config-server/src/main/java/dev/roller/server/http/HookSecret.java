package dev.roller.server.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code --hook-secret-file}: a {@code POST /hooks/refresh} must carry GitHub's {@code
 * X-Hub-Signature-256} (an HMAC-SHA256 of the body with the secret) or GitLab's {@code
 * X-Gitlab-Token} (the secret), each compared in constant time.
 */
final class HookSecret {
  private final byte[] secret;

  HookSecret(byte[] secret) {
    this.secret = secret.clone();
  }

  /** Refuses (401) a call that carries neither, or a wrong one. */
  void check(Request r) {
    byte[] body = r.exchange.getAttachment(Uploads.BYTES);
    String github = r.exchange.getRequestHeaders().getFirst("X-Hub-Signature-256");
    String gitlab = r.exchange.getRequestHeaders().getFirst("X-Gitlab-Token");
    boolean ok = false;
    if (github != null && github.startsWith("sha256=")) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] expected = HexFormat.of().formatHex(mac.doFinal(body == null ? new byte[0] : body))
            .getBytes(StandardCharsets.US_ASCII);
        ok = MessageDigest.isEqual(expected, github.substring(7).getBytes(StandardCharsets.US_ASCII));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    } else if (gitlab != null) {
      ok = MessageDigest.isEqual(secret, gitlab.getBytes(StandardCharsets.UTF_8));
    }
    if (!ok) {
      throw new ApiException(401, "a refresh needs X-Hub-Signature-256 (an HMAC of the body with the hook secret) or "
          + "X-Gitlab-Token (the secret), and this call's does not match");
    }
  }
}
