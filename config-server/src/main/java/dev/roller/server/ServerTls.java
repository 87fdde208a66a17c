package dev.roller.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** {@code serve --tls-cert FILE --tls-key FILE} (DESIGN §9): the server's certificate chain and key, PEM, as an SSLContext. */
public final class ServerTls {
  private ServerTls() {}

  /**
   * The context for {@code certFile} (the server's certificate first, then its chain) and {@code
   * keyFile} (PKCS#8 PEM: RSA, EC or Ed25519); an {@link IllegalArgumentException} names the file
   * and what is wrong with it (expired, not matching, not PEM).
   */
  public static SSLContext context(Path certFile, Path keyFile) {
    List<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(certFile)) {
      chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(certFile + ": not a PEM certificate chain (" + e.getMessage() + ")");
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(certFile + ": no certificate in it");
    }
    X509Certificate leaf = (X509Certificate) chain.get(0);
    try {
      leaf.checkValidity(new Date());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(certFile + ": the certificate is not valid now (" + e.getMessage() + ")");
    }
    PrivateKey key = key(keyFile);
    if (!matches(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(keyFile + " is not the key of the certificate in " + certFile + ": they do not match");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      char[] none = new char[0];
      store.setKeyEntry("server", key, none, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, none);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(certFile + " and " + keyFile + " cannot be used together: " + e.getMessage());
    }
  }

  /** Whether {@code key} is the private half of {@code certified}: a probe signed with one verifies with the other. */
  private static boolean matches(PrivateKey key, java.security.PublicKey certified) {
    if (!certified.getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519";
    };
    try {
      byte[] probe = "roller".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature sign = java.security.Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(algorithm);
      verify.initVerify(certified);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PrivateKey key(Path keyFile) {
    String text;
    try {
      text = Files.readString(keyFile);
    } catch (IOException e) {
      throw new IllegalArgumentException(keyFile + ": cannot read it (" + e.getMessage() + ")");
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException(keyFile + ": not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert one with "
          + "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException(keyFile + ": the PEM body is not base64");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException ignored) {
        // the next kind
      }
    }
    throw new IllegalArgumentException(keyFile + ": not an EC, RSA or Ed25519 private key");
  }
}
