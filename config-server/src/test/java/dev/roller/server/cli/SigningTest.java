package dev.roller.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.TestRepo;
import dev.roller.repo.trust.Keys;
import dev.roller.repo.trust.Signatures;
import dev.roller.server.ConfigServerApp;
import dev.roller.server.ServerLimits;
import dev.roller.server.snapshot.RepoSource;
import dev.roller.server.snapshot.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config-server keygen, and serve's signatures checked with the JDK's Signature directly. */
class SigningTest {
  @TempDir Path dir;

  @Test
  void keygenWritesAPrivateKeyOnlyRootReadsAndNeverOverwritesIt() throws Exception {
    Path key = dir.resolve("signing.key");
    ValidateCommandTest.Result made = ValidateCommandTest.run("keygen", "--out", key.toString());
    assertEquals(0, made.code(), made.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    String pub = Files.readString(dir.resolve("signing.key.pub")).strip();
    assertTrue(pub.startsWith("ed25519:"), pub);
    assertEquals(pub, Keys.format(Keys.publicOf(Keys.parsePrivate(Files.readString(key)))));
    String before = Files.readString(key);
    ValidateCommandTest.Result again = ValidateCommandTest.run("keygen", "--out", key.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("exists: remove it first"), again.err());
    assertEquals(before, Files.readString(key));
  }

  @Test
  void aBadSigningKeyIsAUsageErrorNamingTheFile() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.key"), "not a key\n");
    ValidateCommandTest.Result r = ValidateCommandTest.run("serve", "--repo", dir.toString(), "--packages-dir",
        dir.resolve("p").toString(), "--signing-key", bad.toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("--signing-key " + bad + ": not a PKCS#8 PEM private key"), r.err());
  }

  @Test
  void specAndUsersAnswersAreSignedOverTheirExactBytes() throws Exception {
    Path key = dir.resolve("signing.key");
    assertEquals(0, ValidateCommandTest.run("keygen", "--out", key.toString()).code());
    PublicKey pub = Keys.parsePublic(Files.readString(dir.resolve("signing.key.pub")).strip());
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("fleet");
    FilesystemStore store = new FilesystemStore(dir.resolve("store"));
    for (String name : new String[] {"hello-web", "foreman"}) {
      Path tree = Files.createDirectories(dir.resolve("src/" + name + "/.roller"));
      Files.writeString(tree.resolve("package.yml"), "name: " + name + "\nversion: 1.0.0\n");
      var built = dev.roller.pkg.tar.PackageBuilder.build(tree.getParent(), dir.resolve("built/" + name));
      store.put(new dev.roller.repo.model.PackageRef(name, "1.0.0"), built.file(), built.sha256());
    }
    Snapshots snapshots = new Snapshots(RepoSource.open(repo.dir().toString(), dir.resolve("cache")), "main");
    try (ConfigServerApp app = ConfigServerApp.start(snapshots, store, null, dir.resolve("uploads"), "127.0.0.1", 0,
        Duration.ofHours(1), ServerLimits.defaults(), new Signatures.Signer(Keys.parsePrivate(Files.readString(key))))) {
      snapshots.refresh();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (String path : new String[] {"/hosts/web1.dc1.example.com/spec", "/hosts/web1.dc1.example.com/users"}) {
        HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, first.statusCode(), path);
        String header = first.headers().firstValue(Signatures.HEADER).orElseThrow();
        String[] parts = header.split(":");
        assertEquals(Keys.id(pub), parts[1]);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(pub);
        jdk.update(first.body());
        assertTrue(jdk.verify(Base64.getDecoder().decode(parts[2])), path + ": the signature is over the bytes sent");
        String body = new String(first.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("host: web1.dc1.example.com") && body.contains("\ncommit: ") && body.contains("\nissued: "), body);

        HttpResponse<byte[]> second = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(header, second.headers().firstValue(Signatures.HEADER).orElseThrow(), "signed once, then sent from the cache");
        HttpResponse<byte[]> json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path
            + "?format=json")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertNotEquals(header, json.headers().firstValue(Signatures.HEADER).orElseThrow(), "each form signed as sent");
      }
    }
    repo.close();
  }
}
