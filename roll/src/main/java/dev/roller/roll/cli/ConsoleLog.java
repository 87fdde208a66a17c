package dev.roller.roll.cli;

import dev.roller.roll.apply.Log;
import dev.roller.roll.apply.Stamps;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** roll's log: lines to the terminal (warnings to stderr) and, time-stamped, to {@code var/log/roller/roll.log}. */
final class ConsoleLog implements Log, AutoCloseable {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Path file;
  private BufferedWriter writer;
  private boolean fileFailed;

  ConsoleLog(PrintWriter out, PrintWriter err, Path file) {
    this.out = out;
    this.err = err;
    this.file = file;
  }

  @Override
  public synchronized void info(String line) {
    out.println(line);
    out.flush();
    append("", line);
  }

  @Override
  public synchronized void warn(String line) {
    err.println("roll: " + line);
    err.flush();
    append("warning: ", line);
  }

  /** An error that ends the command: to stderr and the log. */
  synchronized void error(String line) {
    err.println("roll: error: " + line);
    err.flush();
    append("error: ", line);
  }

  private void append(String level, String line) {
    if (file == null || fileFailed) {
      return;
    }
    try {
      if (writer == null) {
        Files.createDirectories(file.getParent());
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      writer.write(Stamps.now() + " [" + Stamps.pid() + "] " + level + line + "\n");
      writer.flush();
    } catch (IOException e) {
      fileFailed = true;
      err.println("roll: warning: cannot write " + file + " (" + e.getMessage() + "); logging to the terminal only");
    }
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException ignored) {
        // the lines went to the terminal too
      }
    }
  }
}
