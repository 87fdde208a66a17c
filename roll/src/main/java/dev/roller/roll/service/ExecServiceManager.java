package dev.roller.roll.service;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.RollException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs services as plain processes, where no systemd runs. Each service's {@code run} command is
 * started with {@code /usr/local} as its working directory, detached in a session of its own
 * ({@code setsid}), so it outlives roll; its output goes to {@code var/log/roller/<name>.log}. Its
 * pid and start time go to {@code var/lib/roller/run/<name>.pid} (written atomically), so a
 * reused pid is never mistaken for it. Stopping sends SIGTERM to its whole process group, then
 * SIGKILL after {@code stop_timeout}.
 */
public final class ExecServiceManager implements ServiceManager {
  private final HostLayout layout;

  public ExecServiceManager(HostLayout layout) {
    this.layout = layout;
  }

  @Override
  public void start(ServiceUnit unit) throws RollException {
    if (running(unit.name())) {
      return;
    }
    try {
      Files.createDirectories(layout.log());
      Files.createDirectories(layout.run());
      Path log = layout.log().resolve(unit.name() + ".log");
      ProcessBuilder builder = new ProcessBuilder("setsid", "/bin/sh", "-c", "exec " + unit.run())
          .directory(layout.usrLocal().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true);
      Process process = builder.start();
      Instant started = process.toHandle().info().startInstant().orElse(Instant.EPOCH);
      writePidFile(unit.name(), process.pid(), started);
    } catch (IOException e) {
      throw new RollException("cannot start " + unit.name() + " (" + unit.run() + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void stop(ServiceUnit unit) throws RollException {
    Optional<ProcessHandle> process = process(unit.name());
    if (process.isEmpty()) {
      deletePidFile(unit.name());
      return;
    }
    long group = process.get().pid();
    signalGroup(group, "TERM");
    if (!waitForGroup(group, unit.stopTimeout())) {
      signalGroup(group, "KILL");
      if (!waitForGroup(group, Duration.ofSeconds(10))) {
        throw new RollException(unit.name() + " (process group " + group + ") did not stop even after SIGKILL");
      }
    }
    deletePidFile(unit.name());
  }

  @Override
  public void reload(ServiceUnit unit) throws RollException {
    if (unit.reload() == null) {
      throw new RollException(unit.name() + " has no reload command");
    }
    try {
      Process process = new ProcessBuilder("/bin/sh", "-c", unit.reload())
          .directory(layout.usrLocal().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.log().resolve(unit.name() + ".log").toFile()))
          .redirectErrorStream(true)
          .start();
      if (!process.waitFor(unit.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new RollException(unit.name() + ": reload did not finish within " + unit.stopTimeout().toMillis() + " ms");
      }
      if (process.exitValue() != 0) {
        throw new RollException(unit.name() + ": reload exited " + process.exitValue() + " (see " + layout.log().resolve(unit.name() + ".log") + ")");
      }
    } catch (IOException e) {
      throw new RollException(unit.name() + ": cannot run its reload command: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RollException("interrupted while reloading " + unit.name(), e);
    }
  }

  @Override
  public boolean running(String name) {
    return process(name).isPresent();
  }

  @Override
  public java.util.List<Long> pids() {
    java.util.List<Long> out = new java.util.ArrayList<>();
    if (!Files.isDirectory(layout.run())) {
      return out;
    }
    try (java.util.stream.Stream<Path> files = Files.list(layout.run())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".pid") && !name.startsWith(".")) {
          process(name.substring(0, name.length() - 4)).ifPresent(h -> out.add(h.pid()));
        }
      }
    } catch (IOException e) {
      // an unreadable run folder: no pids known, gc keeps the usual generations
    }
    return out;
  }

  /** The service's process, if its pid file names a live process started when the file says. */
  Optional<ProcessHandle> process(String name) {
    Path pidFile = pidFile(name);
    String[] fields;
    try {
      fields = Files.readString(pidFile, StandardCharsets.US_ASCII).strip().split("\\s+");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(fields[0]);
      long started = fields.length > 1 ? Long.parseLong(fields[1]) : -1;
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(h -> started < 0 || h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Path pidFile(String name) {
    return layout.run().resolve(name + ".pid");
  }

  private void writePidFile(String name, long pid, Instant started) throws IOException {
    dev.roller.host.AtomicFile.write(pidFile(name), pid + " " + started.toEpochMilli() + "\n");
  }

  private void deletePidFile(String name) throws RollException {
    try {
      Files.deleteIfExists(pidFile(name));
    } catch (IOException e) {
      throw new RollException("cannot remove " + pidFile(name) + ": " + e.getMessage(), e);
    }
  }

  /** Signals the process group the service leads (it is a session leader, so its group is its pid). */
  private static void signalGroup(long pid, String signal) throws RollException {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pid).redirectErrorStream(true).start();
      kill.getInputStream().readAllBytes();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new RollException("cannot signal process group " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RollException("interrupted while stopping pid " + pid, e);
    }
  }

  /** Waits until no live process of group {@code group} remains, for at most {@code timeout}. */
  private static boolean waitForGroup(long group, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (ProcessGroups.alive(group)) {
      if (!Instant.now().isBefore(deadline)) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !ProcessGroups.alive(group);
      }
    }
    return true;
  }
}
