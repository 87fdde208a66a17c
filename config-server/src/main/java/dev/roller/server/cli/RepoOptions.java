package dev.roller.server.cli;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.source.FolderSource;
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

  ConfigRepo load() throws ConfigRepoException {
    if (rev != null) {
      return ConfigRepo.loadGit(dir, rev);
    }
    if (FolderSource.isBareGit(dir)) {
      return ConfigRepo.loadGit(dir, "HEAD");
    }
    return ConfigRepo.loadFolder(dir);
  }
}
