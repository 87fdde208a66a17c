package dev.roller.repo.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * An OpenSSH public key line, {@code <type> <base64 blob> [comment]}, checked the way sshd would
 * read it: a known type, valid base64, and a blob whose own type string matches the declared one.
 * Options before the type ({@code from="..."}) are not accepted: the repo grants keys, not rules.
 */
public record SshKey(String type, String blob, String comment) {
  public static final Set<String> TYPES = Set.of(
      "ssh-ed25519",
      "ssh-rsa",
      "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp521",
      "sk-ssh-ed25519@openssh.com",
      "sk-ecdsa-sha2-nistp256@openssh.com");

  /** The key in {@code line}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static SshKey parse(String line) {
    String problem = problem(line);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String[] parts = line.strip().split("\\s+", 3);
    return new SshKey(parts[0], parts[1], parts.length > 2 ? parts[2] : "");
  }

  /** What is wrong with {@code line} as a public key, or null. */
  public static String problem(String line) {
    if (line == null || line.isBlank()) {
      return "empty key";
    }
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      return "a key must be one line";
    }
    String[] parts = line.strip().split("\\s+", 3);
    String type = parts[0];
    if (!TYPES.contains(type)) {
      return "unknown key type " + NameRule.quote(type) + " (expected one of " + String.join(", ", TYPES.stream().sorted().toList()) + ")";
    }
    if (parts.length < 2) {
      return "key of type " + type + " has no key data";
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      return "key data is not valid base64 (" + type + " " + abbreviate(parts[1]) + ")";
    }
    String inner = innerType(blob);
    if (inner == null) {
      return "key data is too short to be a " + type + " key";
    }
    if (!inner.equals(type)) {
      return "key data is a " + NameRule.quote(inner) + " key but the line says " + type;
    }
    return null;
  }

  private static String innerType(byte[] blob) {
    if (blob.length < 4) {
      return null;
    }
    int length = ByteBuffer.wrap(blob, 0, 4).getInt();
    if (length <= 0 || length > 64 || 4 + length > blob.length) {
      return null;
    }
    return new String(blob, 4, length, StandardCharsets.US_ASCII);
  }

  private static String abbreviate(String data) {
    return data.length() <= 16 ? data : data.substring(0, 12) + "...";
  }

  @Override
  public String toString() {
    return comment.isEmpty() ? type + " " + blob : type + " " + blob + " " + comment;
  }
}
