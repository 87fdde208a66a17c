package dev.roller.repo.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A sha256 digest as 64 lower-case hex digits: a package's identity. */
public record Sha256(String hex) {
  public Sha256 {
    if (!isHex(hex)) {
      throw new IllegalArgumentException("not a sha256 (64 lower-case hex digits): "
          + NameRule.quote(hex));
    }
  }

  /** Whether {@code text} is 64 lower-case hex digits (checked by hand: roll reads a few on every run). */
  private static boolean isHex(String text) {
    if (text == null || text.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  public static Sha256 of(MessageDigest digest) {
    return new Sha256(HexFormat.of().formatHex(digest.digest()));
  }

  public static Sha256 of(byte[] bytes) {
    MessageDigest digest = newDigest();
    digest.update(bytes);
    return of(digest);
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
