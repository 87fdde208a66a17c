package dev.roller.repo.trust;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code X-Roller-Signature} header (DESIGN §9): {@code ed25519:<key id>:<base64 signature of
 * the body's exact bytes>}, made by a {@link Signer} and checked against a set of trusted keys by
 * {@link Verifier}, which says exactly why an answer is refused.
 */
public final class Signatures {
  public static final String HEADER = "X-Roller-Signature";
  /** A header longer than this is refused unread (an Ed25519 signature header is about 110 characters). */
  public static final int MAX_HEADER = 512;

  private Signatures() {}

  /** Signs bodies with one private key; thread-safe. */
  public static final class Signer {
    private final PrivateKey key;
    private final PublicKey publicKey;
    private final String id;

    /** A signer for {@code key}, whose public half is checked to be {@code publicKey} by a probe signature. */
    public Signer(PrivateKey key) {
      this.key = key;
      this.publicKey = Keys.publicOf(key);
      this.id = Keys.id(publicKey);
      byte[] probe = "roller".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      if (!verify(publicKey, probe, sign(probe))) {
        throw new IllegalArgumentException("the key's public half could not be derived (not an Ed25519 seed key?)");
      }
    }

    public PublicKey publicKey() {
      return publicKey;
    }

    public String keyId() {
      return id;
    }

    /** The header value for {@code body}. */
    public String header(byte[] body) {
      return Keys.PREFIX + id + ":" + Base64.getEncoder().encodeToString(sign(body));
    }

    private byte[] sign(byte[] body) {
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(body);
        return s.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
      }
    }
  }

  /** Checks headers against trusted keys (several: a rotation); thread-safe. */
  public static final class Verifier {
    private final List<String> texts;
    private Map<String, PublicKey> byId;

    public Verifier(List<PublicKey> trusted) {
      this.texts = null;
      this.byId = new HashMap<>();
      for (PublicKey k : trusted) {
        byId.put(Keys.id(k), k);
      }
    }

    private Verifier(List<String> texts, boolean lazy) {
      this.texts = List.copyOf(texts);
    }

    /**
     * A verifier of keys written {@code ed25519:<base64>} (checked with {@link Keys#problem}),
     * made into keys only when a signature is first checked: a roll with nothing to do checks
     * none, and a cold JVM pays tens of milliseconds for its first Ed25519 key.
     */
    public static Verifier of(List<String> keys) {
      return new Verifier(keys, true);
    }

    private synchronized Map<String, PublicKey> keys() {
      if (byId == null) {
        Map<String, PublicKey> made = new HashMap<>();
        for (String text : texts) {
          PublicKey k = Keys.parsePublic(text);
          made.put(Keys.id(k), k);
        }
        byId = made;
      }
      return byId;
    }

    /** Null when {@code header} is a good signature of {@code body} by a trusted key, else why not. */
    public String problem(String header, byte[] body) {
      if (header == null) {
        return "the answer is not signed (no " + HEADER + ")";
      }
      if (header.length() > MAX_HEADER) {
        return "its " + HEADER + " is " + header.length() + " characters long: refused";
      }
      String[] parts = header.split(":", -1);
      if (parts.length != 3 || !(parts[0] + ":").equals(Keys.PREFIX) || !parts[1].matches("[0-9a-f]{16}")) {
        return "its " + HEADER + " is not ed25519:<key id>:<signature>";
      }
      PublicKey key = keys().get(parts[1]);
      if (key == null) {
        return "it is signed by key " + parts[1] + ", which is not trusted here (trust: in roll.yml)";
      }
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(parts[2]);
      } catch (IllegalArgumentException e) {
        return "its signature is not base64";
      }
      return verify(key, body, signature) ? null : "its signature does not match its body (bad signature)";
    }
  }

  static boolean verify(PublicKey key, byte[] body, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(body);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
