package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.service.ExecServiceManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes started detached, checked, and stopped with nothing left behind. */
class ExecServiceManagerTest {
  @TempDir Path root;
  HostLayout layout;
  ExecServiceManager services;
  ServiceUnit started;

  @BeforeEach
  void host() throws Exception {
    layout = new HostLayout(root);
    Generations generations = new Generations(layout);
    Files.createDirectories(generations.startBuilding(1).resolve("bin"));
    generations.finishBuilding(1);
    generations.switchTo(1);
    services = new ExecServiceManager(layout);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (started != null) {
      services.stop(started);
    }
  }

  private ServiceUnit service(String name, String script, Duration stopTimeout) throws Exception {
    Path file = layout.usrLocal().resolve("bin/" + name);
    Files.writeString(file, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new ServiceUnit(name, "bin/" + name, stopTimeout, null, null);
  }

  private long pid(String name) throws Exception {
    return Long.parseLong(Files.readString(layout.run().resolve(name + ".pid")).strip().split(" ")[0]);
  }

  /** Alive as /proc says: present and not a zombie (a zombie is dead, only not yet reaped). */
  private static boolean alive(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String text = Files.readString(stat);
    return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
  }

  /** Waits (bounded) until {@code file} exists: the service has reached that point. */
  private static void awaitFile(Path file) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!Files.exists(file)) {
      assertTrue(Instant.now().isBefore(deadline), "never appeared: " + file);
      Thread.onSpinWait();
    }
  }

  @Test
  void startsADetachedServiceInUsrLocalAndStopsItLeavingNothingBehind() throws Exception {
    started = service("svc", "echo \"up in $(pwd -P)\"\ntouch " + root.resolve("ready") + "\nexec sleep 300\n", Duration.ofSeconds(5));
    services.start(started);
    awaitFile(root.resolve("ready"));
    assertTrue(services.running("svc"));
    long pid = pid("svc");
    assertTrue(Files.readString(layout.log().resolve("svc.log")).contains("up in " + layout.generation(1)));
    services.stop(started);
    assertFalse(services.running("svc"));
    assertFalse(Files.exists(layout.run().resolve("svc.pid")));
    assertFalse(alive(pid), "no process left behind");
  }

  @Test
  void stoppingKillsTheServicesChildrenToo() throws Exception {
    Path childPid = root.resolve("child.pid");
    started = service("parent", "sleep 300 &\necho $! > " + childPid + ".tmp && mv " + childPid + ".tmp " + childPid
        + "\nexec sleep 300\n", Duration.ofSeconds(5));
    services.start(started);
    awaitFile(childPid);
    long child = Long.parseLong(Files.readString(childPid).strip());
    assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
    services.stop(started);
    assertFalse(alive(child), "the child went too");
  }

  @Test
  void aServiceIgnoringSigtermIsKilledAfterItsStopTimeout() throws Exception {
    started = service("stubborn", "trap '' TERM\ntouch " + root.resolve("ready") + "\nwhile :; do sleep 1; done\n", Duration.ofMillis(300));
    services.start(started);
    awaitFile(root.resolve("ready"));
    long pid = pid("stubborn");
    services.stop(started);
    assertFalse(alive(pid));
    assertFalse(services.running("stubborn"));
  }

  @Test
  void aPidFileNamingAnotherProcessIsNotTheService() throws Exception {
    Files.createDirectories(layout.run());
    long me = ProcessHandle.current().pid();
    Files.writeString(layout.run().resolve("ghost.pid"), me + " 12345\n");
    assertFalse(services.running("ghost"), "same pid, other start time: a reused pid");
    Files.writeString(layout.run().resolve("ghost.pid"), "999999999 1\n");
    assertFalse(services.running("ghost"));
    assertEquals(Optional.empty(), ProcessHandle.of(999999999L));
  }
}
