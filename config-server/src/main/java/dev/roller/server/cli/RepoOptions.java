package dev.roller.server.cli;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.source.FolderSource;
import dev.roller.repo.source.GitRepo;
import dev.roller.repo.source.RepoTree;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The repo a local command reads: a folder's files, or a commit of its git repository with --rev. */
final class RepoOptions {
  @Parameters(index = "0", paramLabel = "REPO_DIR", description = "The config repo: a folder, a git working tree or a bare repository.")
  Path dir;

  @Option(names = "--rev", paramLabel = "REV",
      description = "Read this commit, branch or tag from git instead of the folder's files (a bare repository is read at HEAD).")
  String rev;

  @Option(names = "--max-spec-size", paramLabel = "SIZE", converter = ByteSize.class, defaultValue = "1MiB",
      description = "Refuse a commit that would give any host a spec larger than this (default: ${DEFAULT-VALUE}).")
  long maxSpec;

  /** How long the last {@link #load} spent reading files, and validating and indexing them. */
  long readNanos;
  long validateNanos;

  ConfigRepo load() throws ConfigRepoException {
    long start = System.nanoTime();
    RepoTree tree;
    String at = rev != null ? rev : FolderSource.isBareGit(dir) ? "HEAD" : null;
    if (at != null) {
      try (GitRepo git = GitRepo.open(dir)) {
        tree = git.read(at);
      }
    } else {
      tree = FolderSource.read(dir);
    }
    long read = System.nanoTime();
    readNanos = read - start;
    try {
      return ConfigRepo.load(tree, maxSpec);
    } finally {
      validateNanos = System.nanoTime() - read;
    }
  }
}
