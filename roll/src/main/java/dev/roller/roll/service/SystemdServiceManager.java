package dev.roller.roll.service;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.roll.RollException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs services as systemd units where systemd runs: each service gets {@code
 * /etc/systemd/system/roller-<name>.service}, generated from its rendered manifest entry, and is
 * driven with {@code systemctl} (daemon-reload when a unit changed, enable, start, stop, reload,
 * is-active). systemd then does what the exec manager does by hand: its own cgroup, SIGTERM then
 * SIGKILL after {@code stop_timeout}, output appended to {@code /var/log/roller/<name>.log}.
 */
public final class SystemdServiceManager implements ServiceManager {
  private static final String PREFIX = "roller-";
  private static final long COMMAND_TIMEOUT_SECONDS = 120;

  private final HostLayout layout;
  private final String systemctl;

  /** {@code systemctl} is the command to drive systemd with (normally {@code systemctl}). */
  public SystemdServiceManager(HostLayout layout, String systemctl) {
    this.layout = layout;
    this.systemctl = systemctl;
  }

  public static String unitName(String service) {
    return PREFIX + service + ".service";
  }

  /** The unit file for {@code unit}. */
  public String unitText(ServiceUnit unit) throws RollException {
    StringBuilder text = new StringBuilder();
    Path log = layout.log().resolve(unit.name() + ".log");
    text.append("# Written by roll from the manifest of the package that ships ").append(unit.name())
        .append(". Do not edit: the next roll rewrites it.\n")
        .append("[Unit]\n")
        .append("Description=").append(unit.name()).append(" (a Roller service)\n")
        .append("After=network.target\n\n")
        .append("[Service]\n")
        .append("Type=simple\n")
        .append("WorkingDirectory=").append(layout.usrLocal()).append('\n')
        .append("ExecStart=/bin/sh -c ").append(quote("exec " + unit.run(), unit.name())).append('\n');
    if (unit.reload() != null) {
      text.append("ExecReload=/bin/sh -c ").append(quote(unit.reload(), unit.name())).append('\n');
    }
    text.append("TimeoutStopSec=").append(Math.max(1, unit.stopTimeout().toMillis())).append("ms\n")
        .append("KillMode=control-group\n")
        .append("StandardInput=null\n")
        .append("StandardOutput=append:").append(log).append('\n')
        .append("StandardError=append:").append(log).append('\n')
        .append("Restart=no\n\n")
        .append("[Install]\n")
        .append("WantedBy=multi-user.target\n");
    return text.toString();
  }

  @Override
  public void start(ServiceUnit unit) throws RollException {
    String text = unitText(unit);
    Path file = layout.systemdUnits().resolve(unitName(unit.name()));
    try {
      Files.createDirectories(layout.log());
      boolean changed = !Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(text);
      if (changed) {
        dev.roller.host.AtomicFile.write(file, text);
        run(true, "daemon-reload");
        run(true, "enable", "--quiet", unitName(unit.name()));
      }
    } catch (IOException e) {
      throw new RollException("cannot write the unit " + file + ": " + e.getMessage(), e);
    }
    run(true, "start", unitName(unit.name()));
  }

  @Override
  public void stop(ServiceUnit unit) throws RollException {
    if (Files.isRegularFile(layout.systemdUnits().resolve(unitName(unit.name())))) {
      run(true, "stop", unitName(unit.name()));
    }
  }

  @Override
  public void reload(ServiceUnit unit) throws RollException {
    if (unit.reload() == null) {
      throw new RollException(unit.name() + " has no reload command");
    }
    run(true, "reload", unitName(unit.name()));
  }

  @Override
  public boolean running(String name) {
    try {
      return run(false, "is-active", "--quiet", unitName(name)) == 0;
    } catch (RollException e) {
      return false;
    }
  }

  @Override
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(layout.systemdUnits())) {
      return out;
    }
    try (Stream<Path> files = Files.list(layout.systemdUnits())) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(PREFIX) && name.endsWith(".service")) {
          Process p = new ProcessBuilder(systemctl, "show", "--property=MainPID", "--value", name).redirectErrorStream(true).start();
          String pid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
          p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          if (pid.matches("[1-9][0-9]*")) {
            out.add(Long.parseLong(pid));
          }
        }
      }
    } catch (IOException e) {
      // no pids known: gc keeps the usual generations
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** Runs {@code systemctl args}; with {@code check}, a non-zero exit is an error quoting its output. */
  private int run(boolean check, String... args) throws RollException {
    List<String> command = new ArrayList<>();
    command.add(systemctl);
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readNBytes(4000);
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new RollException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      if (check && p.exitValue() != 0) {
        throw new RollException(String.join(" ", command) + " exited " + p.exitValue() + ": "
            + new String(output, StandardCharsets.UTF_8).strip());
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new RollException("cannot run " + systemctl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RollException("interrupted while running " + String.join(" ", command), e);
    }
  }

  /**
   * A command as one systemd argument: double-quoted, with backslashes and quotes escaped, {@code
   * %} doubled (no specifiers) and {@code $} doubled (no variable expansion by systemd; the shell
   * still sees a single {@code $}).
   */
  static String quote(String command, String service) throws RollException {
    if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
      throw new RollException("the command of " + service + " spans several lines; systemd units need one");
    }
    return "\"" + command.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("$", "$$") + "\"";
  }
}
