package dev.roller.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  /** The sample repo, found from the module folder Maven runs tests in. */
  static final Path EXAMPLE = Path.of("..", "config-repo", "example");

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ConfigServer.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void sampleRepoIsValid() {
    Result r = run("validate", EXAMPLE.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("valid: 2 datacenters, 4 hostclasses, 10 hosts, 4 users"), r.out());
  }

  @Test
  void invalidRepoExitsOneWithEveryProblemAsPathLineMessage(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("hosts"));
    Files.createDirectories(dir.resolve("users"));
    Files.writeString(dir.resolve("hosts/a.example.com.yml"), "hostclass: web\ndatacenter: dc1\n");
    Files.writeString(dir.resolve("users/bob.yml"), "uid: x\n");
    Result r = run("validate", dir.toString());
    assertEquals(1, r.code());
    assertEquals(List.of(
        "hosts/a.example.com.yml:1: hostclass is unknown hostclass \"web\": there is no hostclasses/web.yml",
        "hosts/a.example.com.yml:2: unknown datacenter \"dc1\": there is no datacenters/dc1.yml",
        "users/bob.yml:1: 'uid' must be a whole number, got the value \"x\""), r.out().lines().toList());
    assertTrue(r.err().contains("3 problems"), r.err());
    assertTrue(!r.err().contains("Exception"), "no stack trace: " + r.err());
  }

  @Test
  void maxSpecSizeRefusesARepoWhoseSpecsAreLarger() {
    Result r = run("validate", "--max-spec-size", "1KiB", EXAMPLE.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("over the limit of 1.0 KiB"), r.out());
    assertEquals(2, run("validate", "--max-spec-size", "lots", EXAMPLE.toString()).code());
    assertEquals(0, run("validate", "--max-spec-size", "64KiB", EXAMPLE.toString()).code());
  }

  @Test
  void revReadsACommitOfTheRepo(@TempDir Path dir) throws Exception {
    copy(EXAMPLE, dir);
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("t", "t@example.com");
      String sha = git.commit().setMessage("sample").setAuthor(who).setCommitter(who).setSign(false).call().name();
      Files.writeString(dir.resolve("hosts/new.example.com.yml"), "hostclass: nope\n");
      assertEquals(1, run("validate", dir.toString()).code(), "the working files are broken");
      Result r = run("validate", "--rev", "main", dir.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("valid at " + sha), r.out());
    }
  }

  @Test
  void usageErrorsExitTwo(@TempDir Path dir) {
    assertEquals(2, run("validate").code());
    assertEquals(2, run("frobnicate").code());
    Result missing = run("validate", dir.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such folder"), missing.err());
    Result badRev = run("validate", "--rev", "main", dir.toString());
    assertEquals(2, badRev.code());
    assertTrue(badRev.err().contains("not a git repository"), badRev.err());
  }

  @Test
  void specPrintsTheResolvedSpecWithExplain() {
    Result r = run("spec", EXAMPLE.toString(), "web3.us-west-1.example.com", "--explain");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("- name: hello-web\n  version: 1.1.0\n"), r.out());
    assertTrue(r.out().contains("greeting: hosts/web3.us-west-1.example.com.yml:4"), r.out());
  }

  @Test
  void specOfAnUnknownHostExitsOne() {
    Result r = run("spec", EXAMPLE.toString(), "nope.example.com");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown host \"nope.example.com\""), r.err());
  }

  static void copy(Path from, Path to) throws Exception {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void servingOnAPortInUseSaysSoInOneLineAndExitsTwo(@TempDir Path dir) throws Exception {
    try (dev.roller.repo.TestRepo repo = dev.roller.repo.TestRepo.minimal(dir.resolve("repo"));
        java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      repo.commit("first");
      Result r = run("serve", "--repo", repo.dir().toString(), "--packages-dir", dir.resolve("p").toString(),
          "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()), "--cache-dir", dir.resolve("c").toString());
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
    }
  }
}
