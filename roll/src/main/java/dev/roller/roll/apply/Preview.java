package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.Plan;
import dev.roller.roll.generation.GenerationBuilder;
import dev.roller.roll.generation.GenerationRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code roll plan} shows, and apply asks about: the plan from the current generation to the
 * spec's, the rendered files' diffs, and notes (what becomes generation 0 on a first roll, a
 * generation without roll). {@code from} is -1 on a blank host.
 */
public record Preview(int from, GenerationRecord fromRec, GenerationRecord toRec, Plan plan, List<String> diffs,
    boolean unchanged, List<String> notes) {

  /** Nothing to do: generation {@code from} already has the spec. */
  static Preview unchanged(int from, GenerationRecord rec) {
    return new Preview(from, rec, rec, GenerationRecord.plan(rec, rec, false, s -> true), List.of(), true, List.of());
  }

  /** The move from {@code from} to the generation just built, following {@code plan}. */
  static Preview of(HostLayout layout, int from, GenerationRecord fromRec, GenerationBuilder.Built built, Plan plan,
      boolean blank) throws IOException {
    return new Preview(from, fromRec, built.record(), plan, diffs(layout, from, fromRec, built), false,
        notes(layout, blank, built));
  }

  /**
   * What a plan must say besides the changes: on a blank host what becomes generation 0, and a
   * warning when the new generation would not hold roll itself (the host could not roll again).
   */
  private static List<String> notes(HostLayout layout, boolean blank, GenerationBuilder.Built built) {
    List<String> notes = new ArrayList<>();
    if (blank) {
      notes.add(Files.isDirectory(layout.usrLocal(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
          ? "first roll on this host: its own " + layout.usrLocal() + " is kept, as it is, as generation 0 (moved "
              + "under " + layout.generations() + "; 'roll rollback --yes' goes back to it), and " + layout.usrLocal()
              + " becomes a link to generation " + built.number()
          : "first roll on this host: there is no " + layout.usrLocal() + "; an empty generation 0 is made, and "
              + layout.usrLocal() + " becomes a link to generation " + built.number());
    }
    if (!Files.exists(built.dir().resolve("bin/roll"))) {
      notes.add("warning: generation " + built.number() + " has no bin/roll: once it is applied, this host cannot "
          + "roll again until roll is installed another way (add the roll package to its hostclass)");
    }
    return notes;
  }

  /** Unified diffs of the rendered files that change between {@code fromRec} and the built generation. */
  private static List<String> diffs(HostLayout layout, int from, GenerationRecord fromRec, GenerationBuilder.Built built) throws IOException {
    Map<String, String> before = new java.util.TreeMap<>();
    if (fromRec != null) {
      fromRec.packages().forEach(p -> before.putAll(p.rendered()));
    }
    Map<String, String> after = new java.util.TreeMap<>();
    built.record().packages().forEach(p -> after.putAll(p.rendered()));
    java.util.Set<String> paths = new java.util.TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    List<String> out = new ArrayList<>();
    for (String path : paths) {
      if (java.util.Objects.equals(before.get(path), after.get(path))) {
        continue;
      }
      String old = before.containsKey(path) ? read(layout.generation(from).resolve(path)) : "";
      String now = after.containsKey(path) ? read(built.dir().resolve(path)) : "";
      out.add(dev.roller.repo.source.History.diffTexts(old, "generation " + from + ": " + path, now, "new: " + path));
    }
    return out;
  }

  private static String read(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file, java.nio.charset.StandardCharsets.UTF_8) : "";
  }
}
