package dev.roller.roll.apply;

import dev.roller.roll.RollException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a roll is doing, written (atomically, synced) before each step that changes the host, so a
 * roll killed at any instant is finished or undone by the next one: {@code var/lib/roller/journal}.
 * It names the generation the host came from and the one it goes to, the phase, and the services
 * the transition stops, starts and reloads. It is removed when the transition is over.
 */
public record Journal(String op, int from, int to, Phase phase, List<String> stopped, List<String> started,
    List<String> reloaded) {

  /** The steps of a transition, in order; {@link #ROLLING_BACK} replaces the later ones after a failure. */
  public enum Phase {
    BUILDING, STOPPING, SWITCHING, ACTIVATING, STARTING, CHECKING, ROLLING_BACK;

    public String key() {
      return name().toLowerCase().replace('_', '-');
    }

    static Phase of(String key) {
      return valueOf(key.toUpperCase().replace('-', '_'));
    }

    /** Whether, in this phase, the host may already point at the new generation. */
    public boolean mayBeSwitched() {
      return compareTo(SWITCHING) >= 0;
    }
  }

  public Journal {
    stopped = List.copyOf(stopped);
    started = List.copyOf(started);
    reloaded = List.copyOf(reloaded);
  }

  public Journal at(Phase next) {
    return new Journal(op, from, to, next, stopped, started, reloaded);
  }

  /** Writes the journal to {@code file}: a synced temporary file renamed over it, then the folder synced. */
  public void write(Path file) throws RollException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("op", op);
    doc.put("from", from);
    doc.put("to", to);
    doc.put("phase", phase.key());
    doc.put("stop", stopped);
    doc.put("start", started);
    doc.put("reload", reloaded);
    doc.put("pid", Stamps.pid());
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
    byte[] bytes = new Yaml(options).dump(doc).getBytes(StandardCharsets.UTF_8);
    try {
      dev.roller.host.AtomicFile.write(file, bytes, "rw-r--r--");
    } catch (IOException e) {
      throw new RollException("cannot write the journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** The journal a roll left, or null when the last one finished. */
  public static Journal read(Path file) throws RollException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new RollException("cannot read the journal " + file + ": " + e.getMessage(), e);
    }
    try {
      Map<?, ?> doc = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      return new Journal(String.valueOf(doc.get("op")), ((Number) doc.get("from")).intValue(),
          ((Number) doc.get("to")).intValue(), Phase.of(String.valueOf(doc.get("phase"))), names(doc.get("stop")),
          names(doc.get("start")), names(doc.get("reload")));
    } catch (RuntimeException e) {
      throw new RollException("the journal " + file + " is damaged (" + e.getMessage() + "): check which generation "
          + "/usr/local points to and that its services run, then remove it", e);
    }
  }

  /** Removes the journal: the transition is over. */
  public static void clear(Path file) throws RollException {
    try {
      Files.deleteIfExists(file);
      dev.roller.host.AtomicFile.forceFolder(file.getParent());
    } catch (IOException e) {
      throw new RollException("cannot remove the journal " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> names(Object list) {
    List<String> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      l.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }


}
