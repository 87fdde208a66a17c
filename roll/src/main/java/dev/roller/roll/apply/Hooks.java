package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.Plan;
import dev.roller.roll.RollException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs packages' activate hooks after the switch, before services start: {@code /bin/sh -c} in
 * {@code /usr/local}, with {@code ROLLER_ROOT} set to the host's root, output appended to {@code
 * var/log/roller/activate.log}, bounded in time. A hook that fails fails the roll (it rolls back).
 */
final class Hooks {
  static final long TIMEOUT_MINUTES = 10;

  private final HostLayout layout;

  Hooks(HostLayout layout) {
    this.layout = layout;
  }

  void run(Plan.Hook hook) throws RollException {
    Path log = layout.log().resolve("activate.log");
    try {
      Files.createDirectories(layout.log());
      Files.writeString(log, "== " + hook.pkg() + ": " + hook.command() + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", hook.command())
          .directory(layout.usrLocal().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true);
      builder.environment().put("ROLLER_ROOT", layout.root().toString());
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new RollException("activate hook of " + hook.pkg() + " did not finish within " + TIMEOUT_MINUTES + " minutes");
      }
      if (process.exitValue() != 0) {
        throw new RollException("activate hook of " + hook.pkg() + " (" + hook.command() + ") exited " + process.exitValue()
            + " (output in " + log + ")");
      }
    } catch (IOException e) {
      throw new RollException("cannot run the activate hook of " + hook.pkg() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RollException("interrupted while running the activate hook of " + hook.pkg(), e);
    }
  }
}
