package dev.roller.repo.trust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys as Roller writes them (DESIGN §9), with the JDK's own {@code java.security}: a
 * public key is {@code ed25519:<base64 of its X.509 SubjectPublicKeyInfo>} (in roll.yml's {@code
 * trust:}, a host file's {@code key:}, {@code FILE.pub}); a private key is PKCS#8 PEM; a key's id
 * is the first 16 hex digits of the sha256 of its SubjectPublicKeyInfo.
 */
public final class Keys {
  public static final String PREFIX = "ed25519:";
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  private Keys() {}

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java has no Ed25519", e);
    }
  }

  /** {@code ed25519:<base64>}, the form roll.yml and host files take. */
  public static String format(PublicKey key) {
    return PREFIX + Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** The key {@code text} ({@code ed25519:<base64>}) names; an {@link IllegalArgumentException} says what is wrong with it. */
  public static PublicKey parsePublic(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a key is ed25519:<base64>, not " + shorten(text));
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the key " + shorten(text) + " is not base64");
    }
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
      if (!key.getAlgorithm().equals("EdDSA") && !key.getAlgorithm().equals("Ed25519")) {
        throw new IllegalArgumentException("the key " + shorten(text) + " is not an Ed25519 key");
      }
      return key;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("the key " + shorten(text) + " is not an Ed25519 public key");
    }
  }

  /** What an Ed25519 SubjectPublicKeyInfo starts with: the algorithm, then the 32 bytes of the key. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /**
   * Null when {@code text} is written as an Ed25519 public key ({@code ed25519:} and the base64 of
   * a 44-byte SubjectPublicKeyInfo for Ed25519), else what is wrong: checked by its bytes, without
   * the cost of making the key.
   */
  public static String problem(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      return "a key is ed25519:<base64>, not " + shorten(text);
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return "the key " + shorten(text) + " is not base64";
    }
    if (der.length != 44 || !java.util.Arrays.equals(der, 0, 12, SPKI_PREFIX, 0, 12)) {
      return "the key " + shorten(text) + " is not an Ed25519 public key";
    }
    return null;
  }

  /** The key's id: the first 16 hex digits of the sha256 of its SubjectPublicKeyInfo. */
  public static String id(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PKCS#8 PEM, as {@code openssl pkey} reads it. */
  public static String pem(PrivateKey key) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
  }

  /** The Ed25519 private key in PKCS#8 PEM {@code text}; an {@link IllegalArgumentException} says what is wrong. */
  public static PrivateKey parsePrivate(String text) {
    int begin = text.indexOf(PEM_BEGIN);
    int end = text.indexOf(PEM_END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("not a PKCS#8 PEM private key (" + PEM_BEGIN + " ... " + PEM_END + ")");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + PEM_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM body is not base64");
    }
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 private key (" + e.getMessage() + ")");
    }
  }

  /** The public half of an Ed25519 private key (the JDK derives it through the key's own encoding). */
  public static PublicKey publicOf(PrivateKey key) {
    // Sign and verify a probe would not give the key; the JDK's EdDSA keys carry no public half, so
    // it is derived from the seed with a generator seeded by it.
    try {
      byte[] pkcs8 = key.getEncoded();
      byte[] seed = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(new java.security.spec.NamedParameterSpec("Ed25519"), new FixedRandom(seed));
      return g.generateKeyPair().getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hands out one seed: how the JDK's Ed25519 generator derives a key pair from a private key's seed. */
  private static final class FixedRandom extends java.security.SecureRandom {
    private final byte[] seed;

    FixedRandom(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }

  private static String shorten(String text) {
    if (text == null) {
      return "nothing";
    }
    return "\"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
  }
}
