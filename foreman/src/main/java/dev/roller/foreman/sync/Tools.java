package dev.roller.foreman.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The system's own account tools ({@code groupadd}, {@code useradd}, {@code usermod}, {@code
 * userdel}, {@code visudo}), with {@code --prefix ROOT} when foreman works on a root other than
 * {@code /}. A tool that fails is an {@link IOException} quoting what it said.
 */
final class Tools {
  private final Path root;

  Tools(Path root) {
    this.root = root;
  }

  void groupadd(String group) throws IOException {
    run(withPrefix("groupadd", group));
  }

  void useradd(Account a) throws IOException {
    List<String> args = new ArrayList<>(List.of("-u", Long.toString(a.uid()), "-U", "-m", "-d", "/home/" + a.login(),
        "-s", a.shell(), "-c", a.comment()));
    if (!a.groups().isEmpty()) {
      args.add("-G");
      args.add(String.join(",", a.groups()));
    }
    args.add(a.login());
    run(withPrefix("useradd", args.toArray(String[]::new)));
  }

  void usermod(String login, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of(options));
    args.add(login);
    run(withPrefix("usermod", args.toArray(String[]::new)));
  }

  void userdel(String login) throws IOException {
    run(withPrefix("userdel", "-r", login));
  }

  /** {@code visudo -cf FILE}: null when the file parses, else what visudo said. */
  String visudoProblem(Path file) throws IOException {
    Process p = new ProcessBuilder("visudo", "-cf", file.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "visudo did not finish";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running visudo", e);
    }
    return p.exitValue() == 0 ? null : output;
  }

  private List<String> withPrefix(String tool, String... args) {
    List<String> command = new ArrayList<>(List.of(tool));
    if (!root.equals(Path.of("/"))) {
      command.add("--prefix");
      command.add(root.toString());
    }
    command.addAll(List.of(args));
    return command;
  }

  private static void run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + (output.isEmpty() ? "" : ": " + output));
    }
  }
}
