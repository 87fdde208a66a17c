package dev.roller.foreman.sync;

import dev.roller.host.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What foreman created on this host ({@code var/lib/roller/foreman.yml}): the accounts and groups
 * it may change. Anything else on the host is never touched. Saved (atomically) after every
 * change, so a foreman killed part-way still knows what it made.
 */
public final class State {
  final TreeSet<String> accounts = new TreeSet<>();
  final TreeSet<String> groups = new TreeSet<>();
  /** The dotfiles foreman wrote for each account, so one dropped from the repo can be removed. */
  final java.util.TreeMap<String, TreeSet<String>> files = new java.util.TreeMap<>();
  private final Path file;

  private State(Path file) {
    this.file = file;
  }

  public static Path file(Path root) {
    return root.resolve("var/lib/roller/foreman.yml");
  }

  public static State read(Path root) throws IOException {
    State state = new State(file(root));
    String text;
    try {
      text = Files.readString(state.file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return state;
    }
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    if (doc instanceof Map<?, ?> map) {
      if (map.get("accounts") instanceof List<?> a) {
        a.forEach(o -> state.accounts.add(String.valueOf(o)));
      }
      if (map.get("groups") instanceof List<?> g) {
        g.forEach(o -> state.groups.add(String.valueOf(o)));
      }
      if (map.get("files") instanceof Map<?, ?> f) {
        f.forEach((login, names) -> {
          TreeSet<String> set = new TreeSet<>();
          if (names instanceof List<?> l) {
            l.forEach(o -> set.add(String.valueOf(o)));
          }
          state.files.put(String.valueOf(login), set);
        });
      }
    } else if (doc != null) {
      throw new IOException(state.file + " is damaged: expected accounts and groups");
    }
    return state;
  }

  public boolean manages(String login) {
    return accounts.contains(login);
  }

  void save() throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("accounts", List.copyOf(accounts));
    doc.put("groups", List.copyOf(groups));
    Map<String, Object> written = new LinkedHashMap<>();
    files.forEach((login, names) -> written.put(login, List.copyOf(names)));
    doc.put("files", written);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    String text = "# Written by foreman: the accounts and groups it created and may change.\n" + new Yaml(options).dump(doc);
    AtomicFile.write(file, text);
  }
}
