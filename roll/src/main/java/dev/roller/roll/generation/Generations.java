package dev.roller.roll.generation;

import dev.roller.host.AtomicFile;
import dev.roller.host.HostLayout;
import dev.roller.roll.RollException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The generations of a host: complete trees in {@code var/lib/roller/generations/N}, one of which
 * {@code usr/local} points to. A new one is built as {@code N.tmp} and renamed to {@code N} only
 * when complete, so a numbered generation is always whole. The switch renames a new symlink over
 * {@code usr/local}: at every instant {@code usr/local} points to a complete generation.
 */
public final class Generations {
  private static final String BUILDING = ".tmp";

  private final HostLayout layout;

  public Generations(HostLayout layout) {
    this.layout = layout;
  }

  /** The generations that are complete, oldest first. */
  public List<Integer> list() throws IOException {
    if (!Files.isDirectory(layout.generations())) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(layout.generations())) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (isNumber(name) && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          out.add(Integer.parseInt(name));
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** The current generation, or {@code fallback} when there is none or it cannot be read (for messages). */
  public int currentOr(int fallback) {
    try {
      return current().orElse(fallback);
    } catch (IOException e) {
      return fallback;
    }
  }

  /** The generation {@code usr/local} points to, or empty (no roll yet, or a blank host's own folder). */
  public OptionalInt current() throws IOException {
    Path link = layout.usrLocal();
    if (!Files.isSymbolicLink(link)) {
      return OptionalInt.empty();
    }
    Path target = Files.readSymbolicLink(link);
    for (int n : list()) {
      if (target.equals(layout.linkTarget(n)) || target.equals(layout.generation(n))) {
        return OptionalInt.of(n);
      }
    }
    return OptionalInt.empty();
  }

  /** The number the next generation gets. */
  public int next() throws IOException {
    List<Integer> all = list();
    return all.isEmpty() ? 1 : all.get(all.size() - 1) + 1;
  }

  /**
   * On a blank host, keeps its own {@code usr/local} folder as generation 0 and points {@code
   * usr/local} to it. Does nothing when {@code usr/local} is already Roller's link or absent.
   *
   * @return whether a folder was adopted
   */
  public boolean adoptBlankHost() throws IOException, RollException {
    Path usrLocal = layout.usrLocal();
    if (Files.isSymbolicLink(usrLocal) || !Files.isDirectory(usrLocal)) {
      return false;
    }
    Path zero = layout.generation(0);
    if (Files.exists(zero, LinkOption.NOFOLLOW_LINKS)) {
      throw new RollException(usrLocal + " is a folder but generation 0 exists already (" + zero
          + "): something other than roll changed " + usrLocal + "; move one of them aside");
    }
    Files.createDirectories(layout.generations());
    try {
      Files.move(usrLocal, zero, StandardCopyOption.ATOMIC_MOVE);
      AtomicFile.forceFolder(layout.generations());
      AtomicFile.forceFolder(usrLocal.getParent());
    } catch (AtomicMoveNotSupportedException e) {
      throw new RollException("cannot keep " + usrLocal + " as generation 0: it is on another filesystem than "
          + layout.generations() + "; put both on one filesystem (or move " + usrLocal + " there by hand)", e);
    }
    switchTo(0);
    return true;
  }

  /** A fresh, empty folder to build generation {@code n} in (a leftover of a killed roll is removed first). */
  public Path startBuilding(int n) throws IOException {
    Path building = building(n);
    Trees.delete(building);
    Files.createDirectories(building);
    return building;
  }

  /** Makes the generation built in {@link #startBuilding} complete: renamed to its number. */
  public Path finishBuilding(int n) throws IOException {
    Path done = layout.generation(n);
    Files.move(building(n), done, StandardCopyOption.ATOMIC_MOVE);
    AtomicFile.forceFolder(layout.generations());
    return done;
  }

  /** Drops a generation built but not finished ({@code roll plan}'s look-ahead, or a failed build). */
  public void abandon(int n) throws IOException {
    Trees.delete(building(n));
  }

  /** Removes what killed rolls left half-built ({@code N.tmp}); numbered generations are complete and stay. */
  public void removeLeftovers() throws IOException {
    if (!Files.isDirectory(layout.generations())) {
      return;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(layout.generations())) {
      for (Path child : children) {
        if (child.getFileName().toString().endsWith(BUILDING)) {
          Trees.delete(child);
        }
      }
    }
  }

  /** A generation's name: 0, or a number without leading zeros of at most 9 digits. */
  static boolean isNumber(String name) {
    if (name.isEmpty() || name.length() > 9 || (name.length() > 1 && name.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private Path building(int n) {
    return layout.generations().resolve(n + BUILDING);
  }

  /**
   * Points {@code usr/local} at generation {@code n}, atomically: a new link is made beside it and
   * renamed over it, then the folder is synced, so the switch survives a crash once this returns.
   */
  public void switchTo(int n) throws IOException {
    Path usrLocal = layout.usrLocal();
    Files.createDirectories(usrLocal.getParent());
    Path fresh = usrLocal.resolveSibling(".local.roller-switch");
    Files.deleteIfExists(fresh);
    Files.createSymbolicLink(fresh, layout.linkTarget(n));
    AtomicFile.move(fresh, usrLocal);
  }

  /** Removes generation {@code n}; never the one {@code usr/local} points to. */
  public void delete(int n) throws IOException, RollException {
    if (current().orElse(-1) == n) {
      throw new RollException("generation " + n + " is the current one: switch away from it first");
    }
    Trees.delete(layout.generation(n));
  }

  /**
   * Whether roll has no generation here yet (a blank host), touching nothing. A {@code /usr/local}
   * that is a link roll did not make is refused: roll will not guess what it points to.
   */
  public boolean blank() throws RollException, IOException {
    if (current().isPresent()) {
      return false;
    }
    if (Files.isSymbolicLink(layout.usrLocal())) {
      throw new RollException(layout.usrLocal() + " is a link roll did not make (to "
          + Files.readSymbolicLink(layout.usrLocal()) + "); move it aside and roll again");
    }
    if (Files.isDirectory(layout.usrLocal()) && Files.exists(layout.generation(0), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new RollException(layout.usrLocal() + " is a folder but generation 0 exists already (" + layout.generation(0)
          + "): something other than roll changed " + layout.usrLocal() + "; move one of them aside");
    }
    return true;
  }

  /**
   * The current generation, made one if there is none: a blank host's own {@code /usr/local} is
   * kept as generation 0; with no {@code /usr/local} at all an empty generation 0 is made.
   */
  public int base(java.util.function.Consumer<String> said) throws RollException, IOException {
    removeLeftovers();
    blank();
    if (adoptBlankHost()) {
      said.accept("kept this host's own " + layout.usrLocal() + " as generation 0");
    }
    OptionalInt current = current();
    if (current.isPresent()) {
      return current.getAsInt();
    }
    if (list().contains(0)) {
      switchTo(0);
    } else {
      Files.createDirectories(startBuilding(0));
      finishBuilding(0);
      switchTo(0);
    }
    return 0;
  }
}
