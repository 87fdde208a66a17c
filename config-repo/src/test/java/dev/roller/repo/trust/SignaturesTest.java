package dev.roller.repo.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures made here, checked by the JDK's Signature directly and by openssl (an independent implementation). */
class SignaturesTest {
  @TempDir Path dir;

  private static String openssl(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
    return out;
  }

  @Test
  void aSignatureIsVerifiedByTheJdkAndByOpenssl() throws Exception {
    KeyPair pair = Keys.generate();
    Signatures.Signer signer = new Signatures.Signer(Keys.parsePrivate(Keys.pem(pair.getPrivate())));
    assertEquals(Keys.format(pair.getPublic()), Keys.format(signer.publicKey()), "the public half is derived from the key");
    byte[] body = "host: web1.dc1.example.com\ncommit: abc\n".getBytes(StandardCharsets.UTF_8);
    String header = signer.header(body);
    String[] parts = header.split(":");
    assertEquals("ed25519", parts[0]);
    assertEquals(Keys.id(pair.getPublic()), parts[1]);

    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(pair.getPublic());
    jdk.update(body);
    assertTrue(jdk.verify(Base64.getDecoder().decode(parts[2])));

    // openssl: the same key, read from the PEM roll writes; the signature over the raw bytes.
    Files.writeString(dir.resolve("key.pem"), Keys.pem(pair.getPrivate()));
    Files.write(dir.resolve("body"), body);
    Files.write(dir.resolve("sig"), Base64.getDecoder().decode(parts[2]));
    openssl(dir, "pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem");
    String pub = Files.readString(dir.resolve("pub.pem")).replaceAll("-----[A-Z ]+-----|\\s", "");
    assertEquals(Keys.format(pair.getPublic()), "ed25519:" + pub, "openssl reads the same public key");
    assertTrue(openssl(dir, "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "body", "-sigfile", "sig")
        .contains("Signature Verified Successfully"));
  }

  @Test
  void aKeyMadeByOpensslSignsToo() throws Exception {
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", "k.pem");
    Signatures.Signer signer = new Signatures.Signer(Keys.parsePrivate(Files.readString(dir.resolve("k.pem"))));
    openssl(dir, "pkey", "-in", "k.pem", "-pubout", "-out", "k.pub");
    String pub = Files.readString(dir.resolve("k.pub")).replaceAll("-----[A-Z ]+-----|\\s", "");
    assertEquals("ed25519:" + pub, Keys.format(signer.publicKey()));
  }

  @Test
  void theVerifierSaysWhyItRefuses() {
    KeyPair a = Keys.generate();
    KeyPair b = Keys.generate();
    Signatures.Signer signerA = new Signatures.Signer(a.getPrivate());
    Signatures.Signer signerB = new Signatures.Signer(b.getPrivate());
    byte[] body = "x".getBytes(StandardCharsets.UTF_8);
    Signatures.Verifier both = new Signatures.Verifier(List.of(a.getPublic(), b.getPublic()));
    Signatures.Verifier onlyA = new Signatures.Verifier(List.of(a.getPublic()));
    assertNull(both.problem(signerA.header(body), body));
    assertNull(both.problem(signerB.header(body), body), "two trusted keys: a rotation");
    assertTrue(onlyA.problem(signerB.header(body), body).contains("not trusted here"));
    assertTrue(onlyA.problem(null, body).contains("not signed"));
    assertTrue(onlyA.problem(signerA.header(body), "y".getBytes(StandardCharsets.UTF_8)).contains("bad signature"));
    assertTrue(onlyA.problem("ed25519:" + signerA.keyId() + ":@@@", body).contains("not base64"));
    assertTrue(onlyA.problem("x".repeat(600), body).contains("characters long"));
    assertTrue(onlyA.problem("rsa:1:2", body).contains("not ed25519:<key id>:<signature>"));
    assertThrows(IllegalArgumentException.class, () -> Keys.parsePublic("ed25519:AAAA"));
    assertNull(Keys.problem(Keys.format(a.getPublic())), "a key checked by its bytes, as parsePublic would accept it");
    assertTrue(Keys.problem("ed25519:AAAA").contains("not an Ed25519 public key"));
    assertTrue(Keys.problem("ed25519:@@").contains("not base64"));
    Signatures.Verifier lazy = Signatures.Verifier.of(List.of(Keys.format(a.getPublic())));
    assertNull(lazy.problem(signerA.header(body), body), "made into keys when first asked");
    assertThrows(IllegalArgumentException.class, () -> Keys.parsePublic("ssh-ed25519 AAAA"));
    assertThrows(IllegalArgumentException.class, () -> Keys.parsePrivate("not a key"));
  }
}
