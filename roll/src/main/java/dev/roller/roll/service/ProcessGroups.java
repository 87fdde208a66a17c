package dev.roller.roll.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads Linux's {@code /proc} to tell whether processes are still running. */
final class ProcessGroups {
  private static final Path PROC = Path.of("/proc");

  private ProcessGroups() {}

  /** Whether any process of group {@code group} is alive (a zombie is dead: it only waits to be reaped). */
  static boolean alive(long group) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
      for (Path entry : entries) {
        String[] fields = stat(entry);
        if (fields != null && Long.parseLong(fields[2]) == group && !fields[0].equals("Z")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** The fields of /proc/PID/stat after the command name: state, ppid, pgrp, ...; null if gone. */
  private static String[] stat(Path entry) {
    try {
      String stat = Files.readString(entry.resolve("stat"), StandardCharsets.US_ASCII);
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
