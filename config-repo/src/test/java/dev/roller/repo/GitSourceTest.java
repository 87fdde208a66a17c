package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the repo at any commit, branch or tag straight from git's objects. */
class GitSourceTest {
  @TempDir Path dir;

  @Test
  void readsEachCommitBranchAndTagAsItWasCommitted() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      String first = repo.commit("one host");
      repo.tag("v1");
      repo.write("hosts/web2.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\n");
      String second = repo.commit("two hosts");
      repo.branch("canary");
      repo.checkout("canary");
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: web\ndatacenter: dc1\npackages: {hello-web: 1.1.0}\n");
      String third = repo.commit("canary pin");
      repo.checkout("main");

      assertEquals(1, ConfigRepo.loadGit(dir, first).hosts().size());
      assertEquals(1, ConfigRepo.loadGit(dir, "v1").hosts().size());
      assertEquals(first, ConfigRepo.loadGit(dir, "v1").commit());
      assertEquals(second, ConfigRepo.loadGit(dir, "main").commit());
      assertEquals(2, ConfigRepo.loadGit(dir, "main").hosts().size());
      assertEquals(third, ConfigRepo.loadGit(dir, "canary").commit());
      assertEquals("1.1.0", ConfigRepo.loadGit(dir, "canary").spec("web1.dc1.example.com").orElseThrow()
          .packages().get(0).ref().version());
      assertEquals(first, ConfigRepo.loadGit(dir, first.substring(0, 10)).commit(), "an abbreviated sha");
    }
  }

  @Test
  void readsCommitsNotTheWorkingTree() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      String sha = repo.commit("good");
      repo.write("hosts/web1.dc1.example.com.yml", "broken: [");
      assertEquals(sha, ConfigRepo.loadGit(dir, "HEAD").commit(), "uncommitted edits are not read");
      assertThrows(ConfigRepoException.class, () -> ConfigRepo.loadFolder(dir), "the folder is read as it is");
    }
  }

  @Test
  void readsABareRepository(@TempDir Path bare) throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      String sha = repo.commit("good");
      Git.cloneRepository().setURI(dir.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();
      assertEquals(sha, ConfigRepo.loadGit(bare, "main").commit());
    }
  }

  @Test
  void unknownRevisionAndNonRepositoryAreClearErrors(@TempDir Path empty) throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      repo.commit("good");
      ConfigRepoException e = assertThrows(ConfigRepoException.class, () -> ConfigRepo.loadGit(dir, "no-such-branch"));
      assertEquals("unknown revision \"no-such-branch\"", e.getMessage());
      e = assertThrows(ConfigRepoException.class, () -> ConfigRepo.loadGit(empty, "main"));
      assertTrue(e.getMessage().endsWith(": not a git repository"), e.getMessage());
    }
  }

  @Test
  void aBadCommitIsRefusedWhileTheGoodOneBeforeItStillLoads() throws Exception {
    try (TestRepo repo = TestRepo.minimal(dir)) {
      String good = repo.commit("good");
      repo.write("hosts/web1.dc1.example.com.yml", "hostclass: nope\ndatacenter: dc1\n");
      String bad = repo.commit("bad");
      ConfigRepoException e = assertThrows(ConfigRepoException.class, () -> ConfigRepo.loadGit(dir, bad));
      assertEquals("hosts/web1.dc1.example.com.yml:1: hostclass is unknown hostclass \"nope\": there is no hostclasses/nope.yml",
          e.problems().get(0).toString());
      assertEquals(good, ConfigRepo.loadGit(dir, good).commit());
    }
  }
}
