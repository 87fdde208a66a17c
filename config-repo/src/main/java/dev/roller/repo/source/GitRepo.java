package dev.roller.repo.source;

import dev.roller.repo.ConfigRepoException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A config repo in git, read straight from the object database with JGit: any commit, branch or
 * tag, with no checkout and no {@code git} process. Thread-safe: each read uses its own reader.
 */
public final class GitRepo implements AutoCloseable {
  private final Repository repository;

  private GitRepo(Repository repository) {
    this.repository = repository;
  }

  /** Opens the repository at {@code dir}: a bare repository or a working tree with {@code .git}. */
  public static GitRepo open(Path dir) throws ConfigRepoException {
    try {
      FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
      Path dotGit = dir.resolve(".git");
      if (dotGit.toFile().exists()) {
        builder.setGitDir(dotGit.toFile());
      } else {
        builder.setGitDir(dir.toFile());
      }
      return new GitRepo(builder.readEnvironment().build());
    } catch (RepositoryNotFoundException e) {
      throw new ConfigRepoException(dir + ": not a git repository", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigRepoException(dir + ": cannot open the git repository: " + e.getMessage(), e);
    }
  }

  public Repository repository() {
    return repository;
  }

  /** The full commit id {@code rev} (a sha, a prefix of one, a branch or a tag) names. */
  public String resolve(String rev) throws ConfigRepoException {
    try {
      ObjectId id = repository.resolve(rev + "^{commit}");
      if (id == null) {
        throw new ConfigRepoException("unknown revision " + quoteRev(rev));
      }
      return id.name();
    } catch (RevisionSyntaxException e) {
      throw new ConfigRepoException("bad revision " + quoteRev(rev), e);
    } catch (IOException e) {
      throw new ConfigRepoException("cannot resolve revision " + quoteRev(rev) + ": " + e.getMessage(), e);
    }
  }

  /** Every path of the tree of {@code rev}'s commit. */
  public RepoTree read(String rev) throws ConfigRepoException {
    String commitId = resolve(rev);
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk revWalk = new RevWalk(reader);
        TreeWalk walk = new TreeWalk(reader)) {
      RevCommit commit = revWalk.parseCommit(ObjectId.fromString(commitId));
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      List<RepoEntry> entries = new ArrayList<>();
      while (walk.next()) {
        entries.add(entry(reader, walk.getPathString(), walk.getFileMode(0), walk.getObjectId(0)));
      }
      return new RepoTree(commitId, entries);
    } catch (IOException e) {
      throw new ConfigRepoException("cannot read commit " + commitId + ": " + e.getMessage(), e);
    }
  }

  private static RepoEntry entry(ObjectReader reader, String path, FileMode mode, ObjectId id) throws IOException {
    if (mode == FileMode.SYMLINK) {
      return RepoEntry.other(path, RepoEntry.Type.SYMLINK, 0);
    }
    if (mode == FileMode.GITLINK) {
      return RepoEntry.other(path, RepoEntry.Type.SUBMODULE, 0);
    }
    long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
    if (size > RepoTree.MAX_FILE_BYTES) {
      return RepoEntry.other(path, RepoEntry.Type.TOO_LARGE, size);
    }
    return RepoEntry.file(path, reader.open(id, Constants.OBJ_BLOB).getCachedBytes());
  }

  /**
   * What changed from commit {@code from} to commit {@code to} (full ids): a tree diff, reading only
   * the blobs that differ. Empty when a path is a file on one side and a folder on the other (a
   * change of the repo's shape: read the commit whole).
   */
  public java.util.Optional<RepoChanges> changes(String from, String to) throws ConfigRepoException {
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk revWalk = new RevWalk(reader);
        TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(revWalk.parseCommit(ObjectId.fromString(from)).getTree());
      walk.addTree(revWalk.parseCommit(ObjectId.fromString(to)).getTree());
      walk.setRecursive(true);
      walk.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
      List<RepoEntry> changed = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      while (walk.next()) {
        FileMode before = walk.getFileMode(0);
        FileMode after = walk.getFileMode(1);
        if (before == FileMode.TREE || after == FileMode.TREE || walk.isSubtree()) {
          return java.util.Optional.empty();
        }
        if (after == FileMode.MISSING) {
          removed.add(walk.getPathString());
        } else {
          changed.add(entry(reader, walk.getPathString(), after, walk.getObjectId(1)));
        }
      }
      return java.util.Optional.of(new RepoChanges(from, to, changed, removed));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigRepoException("cannot diff " + from + ".." + to + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    repository.close();
  }

  private static String quoteRev(String rev) {
    return dev.roller.repo.model.NameRule.quote(rev);
  }
}
