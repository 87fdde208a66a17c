package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.roll.generation.Generations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generations on a scratch root: adoption of a blank host, building, the atomic switch. */
class GenerationsTest {
  @TempDir Path root;

  private Path build(Generations generations, int n, String content) throws Exception {
    Path dir = generations.startBuilding(n);
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/version"), content);
    return generations.finishBuilding(n);
  }

  @Test
  void aBlankHostsOwnUsrLocalBecomesGenerationZero() throws Exception {
    HostLayout layout = new HostLayout(root);
    Files.createDirectories(layout.usrLocal().resolve("bin"));
    Files.writeString(layout.usrLocal().resolve("bin/handmade"), "kept");
    Generations generations = new Generations(layout);
    assertTrue(generations.adoptBlankHost());
    assertTrue(Files.isSymbolicLink(layout.usrLocal()));
    assertEquals(OptionalInt.of(0), generations.current());
    assertEquals("kept", Files.readString(layout.usrLocal().resolve("bin/handmade")));
    assertEquals("kept", Files.readString(layout.generation(0).resolve("bin/handmade")));
    assertFalse(generations.adoptBlankHost(), "only once");
    assertEquals(1, generations.next());
  }

  @Test
  void aHostWithoutUsrLocalHasNoGenerationYet() throws Exception {
    Generations generations = new Generations(new HostLayout(root));
    assertFalse(generations.adoptBlankHost());
    assertEquals(OptionalInt.empty(), generations.current());
    assertEquals(List.of(), generations.list());
  }

  @Test
  void switchingPointsUsrLocalAtTheGenerationWithALinkInsideTheRoot() throws Exception {
    HostLayout layout = new HostLayout(root);
    Generations generations = new Generations(layout);
    build(generations, 1, "one");
    build(generations, 2, "two");
    generations.switchTo(1);
    assertEquals("one", Files.readString(layout.usrLocal().resolve("etc/version")));
    generations.switchTo(2);
    assertEquals("two", Files.readString(layout.usrLocal().resolve("etc/version")));
    assertEquals(OptionalInt.of(2), generations.current());
    Path target = Files.readSymbolicLink(layout.usrLocal());
    assertFalse(target.isAbsolute(), "relative, so the host also works when its root is mounted elsewhere");
    assertTrue(layout.usrLocal().getParent().resolve(target).normalize().startsWith(root));
    assertFalse(Files.exists(layout.usrLocal().resolveSibling(".local.roller-switch")));
  }

  @Test
  void aKilledBuildIsNeverAGenerationAndIsClearedWhenBuildingAgain() throws Exception {
    HostLayout layout = new HostLayout(root);
    Generations generations = new Generations(layout);
    build(generations, 1, "one");
    Path half = generations.startBuilding(2);
    Files.writeString(half.resolve("half"), "a roll died here");
    assertEquals(List.of(1), generations.list());
    assertEquals(2, generations.next());
    Path again = generations.startBuilding(2);
    try (var left = Files.list(again)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void theCurrentGenerationCannotBeDeleted() throws Exception {
    HostLayout layout = new HostLayout(root);
    Generations generations = new Generations(layout);
    build(generations, 1, "one");
    build(generations, 2, "two");
    generations.switchTo(2);
    assertThrows(RollException.class, () -> generations.delete(2));
    generations.delete(1);
    assertEquals(List.of(2), generations.list());
  }
}
