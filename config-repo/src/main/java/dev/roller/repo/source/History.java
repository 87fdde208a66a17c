package dev.roller.repo.source;

import dev.roller.repo.ConfigRepoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.MaxCountRevFilter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** The repo's history, read with JGit: unified diffs between commits and the commits touching a path. */
public final class History {
  /** One commit: its id, author, time and subject line. */
  public record Commit(String sha, String author, Instant time, String subject) {}

  private final GitRepo git;

  public History(GitRepo git) {
    this.git = git;
  }

  /**
   * The unified diff from commit {@code from} to commit {@code to} (full ids), limited to {@code
   * path} (a file or folder of the repo) when it is not null.
   */
  public String diff(String from, String to, String path) throws ConfigRepoException {
    Repository repository = git.repository();
    try (ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiffFormatter formatter = new DiffFormatter(out)) {
      CanonicalTreeParser a = new CanonicalTreeParser(null, reader, walk.parseCommit(ObjectId.fromString(from)).getTree());
      CanonicalTreeParser b = new CanonicalTreeParser(null, reader, walk.parseCommit(ObjectId.fromString(to)).getTree());
      formatter.setRepository(repository);
      formatter.setPathFilter(path == null ? TreeFilter.ALL : PathFilter.create(path));
      List<DiffEntry> entries = formatter.scan(a, b);
      formatter.format(entries);
      formatter.flush();
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigRepoException("cannot diff " + from + ".." + to + ": " + e.getMessage(), e);
    }
  }

  /** A unified diff of two texts (no file headers; {@code a} and {@code b} label the sides), or "" if equal. */
  public static String diffTexts(String a, String labelA, String b, String labelB) {
    org.eclipse.jgit.diff.RawText left = new org.eclipse.jgit.diff.RawText(a.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    org.eclipse.jgit.diff.RawText right = new org.eclipse.jgit.diff.RawText(b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    org.eclipse.jgit.diff.EditList edits = org.eclipse.jgit.diff.DiffAlgorithm
        .getAlgorithm(org.eclipse.jgit.diff.DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
        .diff(org.eclipse.jgit.diff.RawTextComparator.DEFAULT, left, right);
    if (edits.isEmpty()) {
      return "";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DiffFormatter formatter = new DiffFormatter(out)) {
      out.writeBytes(("--- " + labelA + "\n+++ " + labelB + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      formatter.format(edits, left, right);
      formatter.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The commit {@code sha} (a full id), or empty when the repository does not have it. */
  public java.util.Optional<Commit> commit(String sha) throws ConfigRepoException {
    try (RevWalk walk = new RevWalk(git.repository())) {
      ObjectId id = ObjectId.fromString(sha);
      if (!git.repository().getObjectDatabase().has(id)) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(commitOf(walk.parseCommit(id)));
    } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException | IllegalArgumentException e) {
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw new ConfigRepoException("cannot read commit " + sha + ": " + e.getMessage(), e);
    }
  }

  private static Commit commitOf(RevCommit c) {
    return new Commit(c.name(), c.getAuthorIdent().getName() + " <" + c.getAuthorIdent().getEmailAddress() + ">",
        Instant.ofEpochSecond(c.getCommitTime()), c.getShortMessage());
  }

  /** Up to {@code limit} commits reachable from {@code head} that touch {@code path} (all when null), newest first. */
  public List<Commit> log(String head, String path, int limit) throws ConfigRepoException {
    try (RevWalk walk = new RevWalk(git.repository())) {
      walk.markStart(walk.parseCommit(ObjectId.fromString(head)));
      if (path != null) {
        walk.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(PathFilter.create(path), TreeFilter.ANY_DIFF));
      }
      walk.setRevFilter(MaxCountRevFilter.create(limit));
      List<Commit> out = new ArrayList<>();
      for (RevCommit c : walk) {
        out.add(commitOf(c));
      }
      return out;
    } catch (IOException e) {
      throw new ConfigRepoException("cannot read the log of " + head + ": " + e.getMessage(), e);
    }
  }
}
