package dev.roller.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.repo.TestRepo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config-server impact on a real git repo: what CI runs on a pull request. */
class ImpactCommandTest {
  @TempDir Path dir;

  @Test
  void aBranchsImpactAsMarkdownFitsAPullRequestCommentHoweverManyHostsChange() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      for (int i = 0; i < 300; i++) {
        // 300 hosts (web1 among them), each with a param of its own: 300 ways to change, 300 groups.
        repo.write("hosts/web" + i + ".dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  weight: " + i + "\n");
      }
      repo.commit("fleet");
      repo.branch("reweigh");
      repo.checkout("reweigh");
      for (int i = 0; i < 300; i++) {
        repo.write("hosts/web" + i + ".dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\nparams:\n  weight: " + (i + 1000) + "\n");
      }
      repo.commit("reweigh");
      repo.checkout("main");

      ValidateCommandTest.Result r = ValidateCommandTest.run("impact", repo.dir().toString(), "--from", "main", "--to", "reweigh",
          "--format", "markdown");

      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().lines().count() <= 60, r.out().lines().count() + " lines:\n" + r.out());
      assertTrue(r.out().contains("**300 of 300 hosts change**"), r.out());
      assertTrue(r.out().contains("| … | "), "the groups past the table are summed up: " + r.out());
      assertTrue(r.err().contains("services not predicted"), r.err());

      ValidateCommandTest.Result group = ValidateCommandTest.run("impact", repo.dir().toString(), "--from", "main", "--to",
          "reweigh", "--group", "300");
      assertEquals(0, group.code(), group.err());
      assertEquals("# group 300: 1 host, page 1 of 1; services: *: not predicted (no package store)\nweb99.dc1.example.com\n",
          group.out());
      ValidateCommandTest.Result none = ValidateCommandTest.run("impact", repo.dir().toString(), "--from", "main", "--to",
          "reweigh", "--group", "301");
      assertEquals(2, none.code());
      assertTrue(none.err().contains("no group 301: this change has 300 groups"), none.err());
    }
  }

  @Test
  void anInvalidToExitsOneWithItsProblemsAndAnUnknownOneTwo() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir.resolve("repo"))) {
      repo.commit("fleet");
      repo.branch("broken");
      repo.checkout("broken");
      repo.write("hosts/web9.dc1.example.com.yml", "hostclass: nope\ndatacenter: dc1\n");
      repo.commit("broken");
      repo.checkout("main");

      ValidateCommandTest.Result r = ValidateCommandTest.run("impact", repo.dir().toString(), "--to", "broken");
      assertEquals(1, r.code(), r.out() + r.err());
      assertTrue(r.out().contains("invalid") && r.out().contains("hosts/web9.dc1.example.com.yml:1: "), r.out());

      assertEquals(2, ValidateCommandTest.run("impact", repo.dir().toString(), "--to", "nope").code());
      ValidateCommandTest.Result same = ValidateCommandTest.run("impact", repo.dir().toString(), "--to", "main", "--format", "yaml");
      assertEquals(0, same.code(), same.err());
      assertTrue(same.out().contains("changed: 0"), same.out());
    }
  }
}
