package dev.roller.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/** A real git repository in a test folder: write files, commit, branch and tag with JGit. */
public final class TestRepo implements AutoCloseable {
  private final Git git;
  private final Path dir;

  private TestRepo(Git git, Path dir) {
    this.git = git;
    this.dir = dir;
  }

  public static TestRepo init(Path dir) throws GitAPIException {
    return new TestRepo(Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call(), dir);
  }

  /** A repo with one datacenter, one hostclass, one host and one user, all valid. */
  public static TestRepo minimal(Path dir) throws Exception {
    TestRepo repo = init(dir);
    repo.write("datacenters/dc1.yml", """
        description: first
        params:
          ntp_server: ntp.dc1
        """);
    repo.write("hostclasses/web.yml", """
        description: web tier
        packages:
          hello-web: 1.0.0
          foreman: 1.0.0
        params:
          listen_port: 8080
        """);
    repo.write("hosts/web1.dc1.example.com.yml", """
        hostclass: web
        datacenter: dc1
        """);
    repo.write("users/alice.yml", """
        uid: 2001
        hostclasses: [web]
        """);
    return repo;
  }

  public Path dir() {
    return dir;
  }

  public TestRepo write(String path, String text) throws IOException {
    return write(path, text.getBytes(StandardCharsets.UTF_8));
  }

  public TestRepo write(String path, byte[] bytes) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return this;
  }

  public TestRepo delete(String path) throws IOException {
    Files.delete(dir.resolve(path));
    return this;
  }

  /** Stages everything (deletions too) and commits; returns the commit id. */
  public String commit(String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    PersonIdent who = new PersonIdent("Test", "test@example.com");
    return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call().name();
  }

  public void branch(String name) throws GitAPIException {
    git.branchCreate().setName(name).call();
  }

  public void checkout(String name) throws GitAPIException {
    git.checkout().setName(name).call();
  }

  public void tag(String name) throws GitAPIException {
    git.tag().setName(name).setAnnotated(true).setMessage(name).setSigned(false).call();
  }

  /** Commits what is written and loads that commit, so every test goes through git. */
  public ConfigRepo commitAndLoad() throws Exception {
    String sha = commit("test");
    return ConfigRepo.loadGit(dir, sha);
  }

  @Override
  public void close() {
    git.close();
  }
}
