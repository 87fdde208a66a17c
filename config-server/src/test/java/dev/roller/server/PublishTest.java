package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.repo.TestRepo;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUT /packages/{name}/{version}: token, checks before storing, write-once; then the tarball is served. */
class PublishTest {
  @TempDir Path dir;

  private ServerFixture start(String token) throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    return ServerFixture.start(repo, dir, new FilesystemStore(dir.resolve("store")), token);
  }

  @Test
  void publishingNeedsTheToken() throws Exception {
    try (ServerFixture server = start(ServerFixture.TOKEN)) {
      BuiltPackage web = server.build("hello-web", "1.0.0", "v1");
      assertEquals(401, server.publish(web, null).statusCode());
      HttpResponse<String> wrong = server.publish(web, "not-the-token-at-all");
      assertEquals(403, wrong.statusCode());
      assertEquals("wrong publish token", ServerFixture.error(wrong));
    }
  }

  @Test
  void eachPackageRecordsWhoPublishedItAndWhen() throws Exception {
    String alice = "alice-token-0123456789";
    String bob = "bob-token-abcdefghijkl";
    try (ServerFixture server = start("# who may publish\nalice " + alice + "\nbob " + bob + "\n")) {
      assertEquals(403, server.publish(server.build("hello-web", "1.0.0", "v1"), "mallory-token-0123456789").statusCode());
      assertEquals(201, server.publish(server.build("hello-web", "1.0.0", "v1"), bob).statusCode());
      assertEquals(200, server.publish(server.build("hello-web", "1.0.0", "v1"), alice).statusCode(), "the same bytes again");
      String info = server.get("/packages/hello-web/1.0.0").body();
      assertTrue(info.contains("published_by: bob\n") && info.contains("published_at: "), "the first publisher stays: " + info);
    }
    var shortToken = dev.roller.server.cli.CliAccess.run("serve", "--repo", dir.toString(), "--packages-dir",
        dir.resolve("p").toString(), "--publish-token-file",
        java.nio.file.Files.writeString(dir.resolve("tokens"), "alice " + alice + "\nbob short\n").toString());
    assertEquals(2, shortToken.code());
    assertTrue(shortToken.err().contains("line 2: the token of bob is under 16 characters"), shortToken.err());
  }

  @Test
  void publishingIsOffWithoutATokenFile() throws Exception {
    try (ServerFixture server = start(null)) {
      HttpResponse<String> r = server.publish(server.build("hello-web", "1.0.0", "v1"), ServerFixture.TOKEN);
      assertEquals(403, r.statusCode());
      assertTrue(r.body().contains("publishing is off"), r.body());
    }
  }

  @Test
  void aVersionIsWriteOnceAndItsTarballIsServed() throws Exception {
    try (ServerFixture server = start(ServerFixture.TOKEN)) {
      BuiltPackage web = server.build("hello-web", "1.0.0", "v1");
      HttpResponse<String> created = server.publish(web, ServerFixture.TOKEN);
      assertEquals(201, created.statusCode(), created.body());
      assertTrue(created.body().contains("sha256: " + web.sha256()), created.body());
      assertEquals(200, server.publish(web, ServerFixture.TOKEN).statusCode());
      HttpResponse<String> conflict = server.publish(server.build("hello-web", "1.0.0", "other bytes"), ServerFixture.TOKEN);
      assertEquals(409, conflict.statusCode());
      assertTrue(conflict.body().contains("write-once"), conflict.body());

      HttpResponse<byte[]> tarball = server.client.send(HttpRequest.newBuilder(
          java.net.URI.create(server.base + "/packages/hello-web/1.0.0/tarball")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, tarball.statusCode());
      assertArrayEquals(Files.readAllBytes(web.file()), tarball.body());

      String info = server.get("/packages/hello-web").body();
      assertTrue(info.contains("version: 1.0.0"), info);
      assertTrue(info.contains("published: true"), info);
      assertTrue(info.contains("- web1.dc1.example.com"), info);
      String version = server.get("/packages/hello-web/1.0.0").body();
      assertTrue(version.contains("sha256: " + web.sha256()), version);
      assertTrue(version.contains("manifest:"), version);
      assertEquals("- foreman\n- hello-web\n", server.get("/packages").body());
    }
  }

  @Test
  void anUploadIsCheckedBeforeItIsStored() throws Exception {
    try (ServerFixture server = start(ServerFixture.TOKEN)) {
      BuiltPackage web = server.build("hello-web", "1.0.0", "v1");
      HttpResponse<String> renamed = server.send("PUT", "/packages/hello-web/2.0.0",
          HttpRequest.BodyPublishers.ofFile(web.file()), "Authorization", "Bearer " + ServerFixture.TOKEN);
      assertEquals(400, renamed.statusCode());
      assertTrue(renamed.body().contains("manifest is hello-web-1.0.0 but it was published as hello-web-2.0.0"), renamed.body());

      byte[] bytes = Files.readAllBytes(web.file());
      HttpResponse<String> truncated = server.send("PUT", "/packages/hello-web/1.0.0",
          HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(bytes, bytes.length / 2)),
          "Authorization", "Bearer " + ServerFixture.TOKEN);
      assertEquals(400, truncated.statusCode());
      assertTrue(truncated.body().contains("not a valid .tar.gz"), truncated.body());

      HttpResponse<String> garbage = server.send("PUT", "/packages/hello-web/1.0.0",
          HttpRequest.BodyPublishers.ofString("garbage"), "Authorization", "Bearer " + ServerFixture.TOKEN);
      assertEquals(400, garbage.statusCode());
      assertEquals(404, server.get("/packages/hello-web/1.0.0/tarball").statusCode(), "nothing was stored");
      try (var uploads = Files.list(dir.resolve("uploads"))) {
        assertEquals(0, uploads.count(), "no upload is left behind");
      }
    }
  }

  @Test
  void aPackageNoHostCouldInstallIsRefusedNamingTheEntry() throws Exception {
    try (ServerFixture server = start(ServerFixture.TOKEN)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(out))) {
        for (String[] e : new String[][] {{".roller/package.yml", "name: clash\nversion: 1.0.0\n"}, {"etc/a.conf", "x"},
            {"etc/a.conf.tmpl", "y"}}) {
          byte[] data = e[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
          var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(e[0]);
          entry.setSize(data.length);
          tar.putArchiveEntry(entry);
          tar.write(data);
          tar.closeArchiveEntry();
        }
      }
      HttpResponse<String> refused = server.send("PUT", "/packages/clash/1.0.0",
          HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()), "Authorization", "Bearer " + ServerFixture.TOKEN);
      assertEquals(400, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("etc/a.conf") && refused.body().contains("rename one"), refused.body());
      assertEquals(404, server.get("/packages/clash/1.0.0").statusCode());
    }
  }
}
