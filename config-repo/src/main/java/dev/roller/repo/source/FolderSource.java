package dev.roller.repo.source;

import dev.roller.repo.ConfigRepoException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a config repo from a plain folder (a working tree, before it is committed). A {@code .git}
 * folder at the top is skipped; symbolic links are reported, never followed, so nothing outside
 * the folder is ever read.
 */
public final class FolderSource {
  private FolderSource() {}

  public static RepoTree read(Path root) throws ConfigRepoException {
    if (!Files.isDirectory(root)) {
      throw new ConfigRepoException(root + ": no such folder");
    }
    List<RepoEntry> entries = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          boolean topGit = dir.getParent() != null && dir.getParent().equals(root)
              && dir.getFileName().toString().equals(".git");
          return topGit ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String path = relative(root, file);
          if (attrs.isSymbolicLink()) {
            entries.add(RepoEntry.other(path, RepoEntry.Type.SYMLINK, 0));
          } else if (!attrs.isRegularFile()) {
            entries.add(RepoEntry.other(path, RepoEntry.Type.SUBMODULE, 0));
          } else if (attrs.size() > RepoTree.MAX_FILE_BYTES) {
            entries.add(RepoEntry.other(path, RepoEntry.Type.TOO_LARGE, attrs.size()));
          } else {
            entries.add(RepoEntry.file(path, Files.readAllBytes(file)));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      throw new ConfigRepoException(e.getFile() + ": vanished while the repo was read", e);
    } catch (IOException e) {
      throw new ConfigRepoException(root + ": cannot read: " + e.getMessage(), e);
    }
    entries.sort(Comparator.comparing(RepoEntry::path));
    return new RepoTree(null, entries);
  }

  /** Whether {@code dir} is a bare git repository, which has no files to read but its commits. */
  public static boolean isBareGit(Path dir) {
    return !Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"));
  }

  private static String relative(Path root, Path file) {
    StringBuilder path = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }
}
