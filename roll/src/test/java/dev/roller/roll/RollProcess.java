package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * roll run as its own process (a JVM of its own, as on a host), so a test can kill it with SIGKILL
 * at a chosen point: with {@code ROLLER_TEST_PAUSE_AT} roll announces on stderr that it reached the
 * point and waits there.
 */
final class RollProcess {
  final Process process;
  final List<String> stderr = new ArrayList<>();

  private RollProcess(Process process) {
    this.process = process;
  }

  static RollProcess start(String pauseAt, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "dev.roller.roll.cli.Roll"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("ROLLER_CONFIG_SERVER");
    if (pauseAt != null) {
      builder.environment().put("ROLLER_TEST_PAUSE_AT", pauseAt);
    }
    return new RollProcess(builder.start());
  }

  /** Reads stderr until roll says it paused at {@code point} (bounded: roll exits or 60 s pass). */
  void awaitPause(String point) throws Exception {
    BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (String line; (line = lines.readLine()) != null; ) {
      stderr.add(line);
      if (line.contains("paused at " + point + " ")) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "roll did not reach " + point + ": " + stderr);
    }
    throw new AssertionError("roll exited (" + process.waitFor() + ") before reaching " + point + ": " + stderr);
  }

  /** SIGKILL: no shutdown hooks, no finally blocks, exactly like a power cut to roll alone. */
  void kill() throws Exception {
    process.destroyForcibly();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "roll did not die");
  }

  int waitFor() throws Exception {
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "roll did not finish");
    return process.exitValue();
  }
}
