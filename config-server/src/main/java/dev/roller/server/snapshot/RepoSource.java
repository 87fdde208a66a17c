package dev.roller.server.snapshot;

import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.source.GitRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Where the server's commits come from: a local repository (bare or not), read in place, or a git
 * URL cloned (bare) into the cache folder and fetched on every refresh. Thread-safe for reads;
 * {@link #fetch} is called by one thread at a time (the snapshot refresher).
 */
public final class RepoSource implements AutoCloseable {
  private final GitRepo git;
  private final String url;

  private RepoSource(GitRepo git, String url) {
    this.git = git;
    this.url = url;
  }

  /** {@code location} is a local folder or a git URL ({@code https://}, {@code ssh://}, {@code file://}...). */
  public static RepoSource open(String location, Path cacheDir) throws ConfigRepoException {
    Path local = Path.of(location);
    if (!location.contains("://") && !location.contains("@") && Files.isDirectory(local)) {
      return new RepoSource(GitRepo.open(local), null);
    }
    if (cacheDir == null) {
      throw new ConfigRepoException(location + ": not a local folder; give --cache-dir to clone it into");
    }
    Path clone = cacheDir.resolve("repo.git");
    try {
      if (!Files.isDirectory(clone.resolve("objects"))) {
        Files.createDirectories(cacheDir);
        Git.cloneRepository().setURI(location).setDirectory(clone.toFile()).setBare(true).call().close();
      }
    } catch (GitAPIException | IOException e) {
      throw new ConfigRepoException("cannot clone " + location + ": " + e.getMessage(), e);
    }
    return new RepoSource(GitRepo.open(clone), location);
  }

  public GitRepo git() {
    return git;
  }

  /** Fetches new commits from the URL (a local repository needs none: its refs are read live). */
  public void fetch() throws ConfigRepoException {
    if (url == null) {
      return;
    }
    try (Git g = new Git(git.repository())) {
      g.fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
          .setRemoveDeletedRefs(true).call();
    } catch (GitAPIException e) {
      throw new ConfigRepoException("cannot fetch " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    git.close();
  }
}
