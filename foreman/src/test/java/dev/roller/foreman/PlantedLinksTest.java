package dev.roller.foreman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * foreman runs as root and writes into homes their owners control: links an owner plants at
 * {@code .ssh}, {@code .ssh/authorized_keys} or a dotfile must never make root write, chmod or
 * chown anything outside the home.
 */
class PlantedLinksTest extends ForemanFixture {
  private static final String NEW_KEYS = """
      uid: 52001
      comment: Alice Example
      shell: /bin/bash
      groups: [rollerdev]
      ssh_keys: ["%s", "%s"]
      hostclasses: [web]
      sudo: [web]
      files:
        .profile: |
          export EDITOR=nano
      """;

  private Path outside;
  private Path home;

  private void setUp() throws Exception {
    assertEquals(0, foreman(), err);
    home = root.resolve("home/alice");
    outside = Files.createDirectories(root.resolve("etc/precious"));
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void linksAtTheKeysFileAndADotfileAreReplacedNotFollowed() throws Exception {
    setUp();
    Path secretKeys = Files.writeString(outside.resolve("keys"), "root's own\n");
    Path secretProfile = Files.writeString(outside.resolve("profile"), "root's profile\n");
    Files.delete(home.resolve(".ssh/authorized_keys"));
    Files.createSymbolicLink(home.resolve(".ssh/authorized_keys"), secretKeys);
    Files.delete(home.resolve(".profile"));
    Files.createSymbolicLink(home.resolve(".profile"), secretProfile);
    commit("users/alice.yml", NEW_KEYS.formatted(ALICE_KEY, BOB_KEY));

    assertEquals(0, foreman(), err);

    assertEquals("root's own\n", Files.readString(secretKeys));
    assertEquals("root's profile\n", Files.readString(secretProfile));
    assertEquals("rw-r--r--", mode(secretKeys), "not chmodded either");
    assertEquals(0, owner(secretKeys), "nor chowned");
    assertFalse(Files.isSymbolicLink(home.resolve(".ssh/authorized_keys")));
    assertEquals(ALICE_KEY + "\n" + BOB_KEY + "\n", Files.readString(home.resolve(".ssh/authorized_keys")));
    assertEquals(52001, owner(home.resolve(".ssh/authorized_keys")));
    assertEquals("export EDITOR=nano\n", Files.readString(home.resolve(".profile")));
  }

  @Test
  void aDotSshThatIsALinkIsRefusedAndReportedAndItsTargetIsLeftAlone() throws Exception {
    setUp();
    for (Path p : java.util.List.of(home.resolve(".ssh/authorized_keys"), home.resolve(".ssh"))) {
      Files.delete(p);
    }
    Files.createSymbolicLink(home.resolve(".ssh"), outside);
    commit("users/alice.yml", NEW_KEYS.formatted(ALICE_KEY, BOB_KEY));

    assertEquals(1, foreman(), out);

    assertTrue(err.contains("alice") && err.contains(".ssh is a symbolic link"), err);
    assertFalse(out.contains("authorized_keys written"), "never reported as written: " + out);
    assertFalse(Files.exists(outside.resolve("authorized_keys")), "nothing written through the link");
    assertEquals("rwxr-xr-x", mode(outside), "the link's target is not chmodded");
    assertEquals(0, owner(outside), "nor chowned");
    assertEquals("export EDITOR=nano\n", Files.readString(home.resolve(".profile")), "the rest still syncs");
  }

  @Test
  void aDotSshOwnedBySomeoneElseIsRefused() throws Exception {
    setUp();
    Files.setAttribute(home.resolve(".ssh"), "unix:uid", 0);
    commit("users/alice.yml", NEW_KEYS.formatted(ALICE_KEY, BOB_KEY));

    assertEquals(1, foreman(), out);

    assertTrue(err.contains(".ssh is owned by uid 0"), err);
    assertEquals(ALICE_KEY + "\n", Files.readString(home.resolve(".ssh/authorized_keys")), "left as it was");
  }
}
