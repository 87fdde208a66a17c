package dev.roller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.pkg.cli.RollerPkg;
import dev.roller.pkg.tar.BuiltPackage;
import dev.roller.repo.TestRepo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** roller-pkg publish against a real config server. */
class RollerPkgPublishTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = RollerPkg.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void publishesOnceThenSaysSoAndRefusesOtherBytes() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    try (ServerFixture server = ServerFixture.start(repo, dir)) {
      Path token = Files.writeString(dir.resolve("token"), ServerFixture.TOKEN + "\n");
      BuiltPackage web = server.build("hello-web", "1.0.0", "v1");
      Result first = run("publish", web.file().toString(), "--config-server", server.base, "--token-file", token.toString());
      assertEquals(0, first.code(), first.err());
      assertEquals("published hello-web-1.0.0 " + web.sha256() + "\n", first.out());
      Result again = run("publish", web.file().toString(), "--config-server", server.base, "--token-file", token.toString());
      assertEquals(0, again.code(), again.err());
      assertTrue(again.out().contains("already published"), again.out());

      BuiltPackage other = server.build("hello-web", "1.0.0", "other");
      Result conflict = run("publish", other.file().toString(), "--config-server", server.base, "--token-file", token.toString());
      assertEquals(1, conflict.code());
      assertTrue(conflict.err().contains("HTTP 409"), conflict.err());
      assertTrue(conflict.err().contains("write-once"), conflict.err());

      Path wrong = Files.writeString(dir.resolve("wrong"), "wrong-token-wrong-token");
      Result denied = run("publish", web.file().toString(), "--config-server", server.base, "--token-file", wrong.toString());
      assertEquals(1, denied.code());
      assertTrue(denied.err().contains("HTTP 403: wrong publish token"), denied.err());
    }
  }

  @Test
  void severalFilesArePublishedInOneRunAndOneRefusedDoesNotStopTheOthers() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    try (ServerFixture server = ServerFixture.start(repo, dir)) {
      Path token = Files.writeString(dir.resolve("token"), ServerFixture.TOKEN + "\n");
      BuiltPackage web = server.build("hello-web", "1.0.0", "v1");
      BuiltPackage foreman = server.build("foreman", "1.0.0", "f");
      Result both = run("publish", web.file().toString(), foreman.file().toString(), "--config-server", server.base,
          "--token-file", token.toString());
      assertEquals(0, both.code(), both.err());
      assertEquals("published hello-web-1.0.0 " + web.sha256() + "\npublished foreman-1.0.0 " + foreman.sha256() + "\n",
          both.out());

      BuiltPackage conflicting = server.build("hello-web", "1.0.0", "other");
      BuiltPackage fresh = server.build("hello-web", "1.1.0", "v2");
      Result mixed = run("publish", conflicting.file().toString(), fresh.file().toString(), "--config-server", server.base,
          "--token-file", token.toString());
      assertEquals(1, mixed.code());
      assertTrue(mixed.err().contains("HTTP 409") && mixed.err().contains("1 of 2 packages not published"), mixed.err());
      assertEquals("published hello-web-1.1.0 " + fresh.sha256() + "\n", mixed.out(), "the other one was published");

      Path junk = Files.writeString(dir.resolve("junk.tar.gz"), "not a tarball");
      BuiltPackage third = server.build("hello-web", "1.2.0", "v3");
      Result refused = run("publish", third.file().toString(), junk.toString(), "--config-server", server.base,
          "--token-file", token.toString());
      assertEquals(1, refused.code());
      assertTrue(refused.err().contains("junk.tar.gz") && refused.err().contains("nothing published"), refused.err());
      assertEquals(404, server.get("/packages/hello-web/1.2.0").statusCode(), "inspected first: nothing uploaded");
    }
  }

  @Test
  void anUnreachableServerIsAClearFailure() throws Exception {
    TestRepo repo = TestRepo.minimal(dir.resolve("repo"));
    repo.commit("first");
    String base;
    BuiltPackage web;
    try (ServerFixture server = ServerFixture.start(repo, dir)) {
      base = server.base;
      web = server.build("hello-web", "1.0.0", "v1");
    }
    Path token = Files.writeString(dir.resolve("token"), ServerFixture.TOKEN);
    Result r = run("publish", web.file().toString(), "--config-server", base, "--token-file", token.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("cannot reach " + base), r.err());
  }
}
