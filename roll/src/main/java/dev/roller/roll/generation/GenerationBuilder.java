package dev.roller.roll.generation;

import dev.roller.host.HostLayout;
import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.ManifestParser;
import dev.roller.pkg.render.PackageRenderer;
import dev.roller.pkg.render.RenderedPackage;
import dev.roller.pkg.render.ServiceUnit;
import dev.roller.pkg.render.TemplateContext;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.spec.Spec;
import dev.roller.roll.RollException;
import dev.roller.roll.verify.FileIndex;
import dev.roller.roll.verify.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a complete generation for a spec from the packages' store trees: laid by {@link
 * TreeBuilder}, every template and every manifest string (service commands, health checks,
 * activate hooks) rendered with the host's context, the file index ({@code .roller/files}) and the
 * record ({@code .roller/generation.yml}) written, then made a numbered generation. Any failure (a
 * path conflict, a template error) leaves no generation behind and the host untouched.
 */
public final class GenerationBuilder {
  /** The file in a generation that records what it was built from. */
  public static final String RECORD = GenerationRecord.PATH;
  /**
   * A generation's spec digest, commit and package identities in a few lines ({@code
   * .roller/spec.digest}): all a no-op roll needs, without parsing the YAML record.
   */
  public record Digest(String digest, String commit, List<dev.roller.repo.model.Sha256> packages) {
    static final String PATH = ".roller/spec.digest";

    static void write(Path dir, GenerationRecord rec) throws IOException {
      StringBuilder text = new StringBuilder(rec.spec().digest()).append('\n').append(rec.spec().commit() == null ? "-" : rec.spec().commit()).append('\n');
      rec.packages().forEach(p -> text.append(p.sha256().hex()).append('\n'));
      dev.roller.host.AtomicFile.write(dir.resolve(PATH), text.toString());
    }

    /** The digest file of the generation in {@code dir}, or null (generation 0, or one built before it existed). */
    public static Digest read(Path dir) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(PATH), StandardCharsets.UTF_8);
        List<dev.roller.repo.model.Sha256> packages = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
          packages.add(new dev.roller.repo.model.Sha256(line));
        }
        return new Digest(lines.get(0), lines.get(1).equals("-") ? null : lines.get(1), packages);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /** The file in a generation that lists what it holds, for {@code roll verify}. */
  public static final String INDEX = ".roller/files";

  /** A built generation: its number, its folder and its record. */
  public record Built(int number, Path dir, GenerationRecord record) {}

  private final HostLayout layout;
  private final Generations generations;

  public GenerationBuilder(HostLayout layout, Generations generations) {
    this.layout = layout;
    this.generations = generations;
  }

  /** Builds generation {@code n} and makes it complete (it is not switched to). */
  public Built build(Spec spec, Map<Spec.Package, Path> trees, int n) throws RollException, IOException {
    return build(spec, trees, n, true);
  }

  /**
   * Builds generation {@code n}; with {@code finish} false the tree stays in its temporary folder,
   * to be looked at and then dropped with {@link Generations#abandon} ({@code roll plan}).
   */
  public Built build(Spec spec, Map<Spec.Package, Path> trees, int n, boolean finish) throws RollException, IOException {
    Path dir = generations.startBuilding(n);
    boolean done = false;
    try {
      List<TreeBuilder.Source> sources = new ArrayList<>();
      Map<PackageRef, Manifest> manifests = new LinkedHashMap<>();
      for (Spec.Package p : spec.packages()) {
        Path tree = trees.get(p);
        sources.add(new TreeBuilder.Source(p.ref(), tree, FileIndex.read(layout.storeIndex(p.sha256()))));
        manifests.put(p.ref(), manifest(p.ref(), tree));
      }
      List<TreeBuilder.Template> templates = TreeBuilder.build(sources, dir);
      Map<String, Object> context = TemplateContext.of(spec, paths(layout));
      Map<PackageRef, List<PackageRenderer.Template>> byPackage = new LinkedHashMap<>();
      for (TreeBuilder.Template t : templates) {
        byPackage.computeIfAbsent(t.owner(), k -> new ArrayList<>())
            .add(new PackageRenderer.Template(t.path(), Files.readString(t.source(), StandardCharsets.UTF_8)));
      }
      Map<String, String> modes = new java.util.HashMap<>();
      for (TreeBuilder.Template t : templates) {
        modes.put(t.path(), java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(t.source())));
      }
      List<FileIndex.Entry> renderedEntries = new ArrayList<>();
      byte[] buffer = new byte[1 << 16];
      List<RenderedPackage> pkgs = new ArrayList<>();
      Set<String> serviceNames = new HashSet<>();
      for (Spec.Package p : spec.packages()) {
        RenderedPackage rendered;
        try {
          rendered = PackageRenderer.render(p, manifests.get(p.ref()), byPackage.getOrDefault(p.ref(), List.of()), context,
              (path, bytes) -> {
                Path target = dir.resolve(path);
                dev.roller.host.AtomicFile.write(target, bytes, modes.get(path));
                renderedEntries.add(FileIndex.entryOf(target, path, buffer));
              });
        } catch (PackageException e) {
          throw new RollException(e.getMessage(), e);
        }
        for (ServiceUnit u : rendered.services()) {
          if (!serviceNames.add(u.name())) {
            throw new RollException("service conflict: two packages of this host declare the service " + u.name()
                + " (the second is in " + p.ref() + ")");
          }
        }
        pkgs.add(rendered);
      }
      writeIndex(dir, renderedEntries);
      GenerationRecord record = new GenerationRecord(n, Instant.now().toString(), spec, pkgs);
      record.write(dir);
      Digest.write(dir, record);
      Path result = finish ? generations.finishBuilding(n) : dir;
      done = true;
      return new Built(n, result, record);
    } finally {
      if (!done) {
        Trees.delete(dir);
      }
    }
  }

  /** Where the templates of a generation under {@code layout} see things. */
  public static TemplateContext.Paths paths(HostLayout layout) {
    return new TemplateContext.Paths(layout.root().toString(), layout.usrLocal().toString(), layout.log().toString(),
        layout.run().toString());
  }

  /**
   * The generation's own file index: the files it rendered. What its packages laid down is in
   * their store indexes, which {@link #index} adds back, so a build does not copy them.
   */
  private static void writeIndex(Path dir, List<FileIndex.Entry> renderedEntries) throws IOException {
    List<FileIndex.Entry> sorted = new ArrayList<>(renderedEntries);
    sorted.sort((a, b) -> a.path().compareTo(b.path()));
    FileIndex.write(dir.resolve(INDEX), sorted);
  }

  /**
   * Everything generation {@code rec} should hold, path by path: each package's store index
   * (without its templates, each folder once) and the generation's rendered files.
   */
  public static List<FileIndex.Entry> index(HostLayout layout, Path dir, GenerationRecord rec) throws IOException {
    return index(layout, dir, rec.packages().stream().map(RenderedPackage::sha256).toList());
  }

  /** As above, from the generation's packages' identities. */
  public static List<FileIndex.Entry> index(HostLayout layout, Path dir, List<dev.roller.repo.model.Sha256> packages) throws IOException {
    Map<String, FileIndex.Entry> entries = new java.util.HashMap<>();
    for (dev.roller.repo.model.Sha256 sha256 : packages) {
      for (FileIndex.Entry e : FileIndex.read(layout.storeIndex(sha256))) {
        if (e.kind() == FileIndex.Entry.FILE && e.path().endsWith(TreeBuilder.TEMPLATE_SUFFIX)) {
          continue;
        }
        if (e.kind() != FileIndex.Entry.DIR || !entries.containsKey(e.path())) {
          entries.put(e.path(), e);
        }
      }
    }
    for (FileIndex.Entry e : FileIndex.read(dir.resolve(INDEX))) {
      entries.put(e.path(), e);
    }
    entries.remove(Verifier.RECORDS);
    List<FileIndex.Entry> sorted = new ArrayList<>(entries.values());
    sorted.sort((a, b) -> a.path().compareTo(b.path()));
    return sorted;
  }

  private static Manifest manifest(PackageRef ref, Path tree) throws RollException, IOException {
    try {
      Manifest m = ManifestParser.parse(Files.readAllBytes(tree.resolve(Manifest.PATH)), ref + ":" + Manifest.PATH);
      if (!m.name().equals(ref.name()) || !m.version().equals(ref.version())) {
        throw new RollException(ref + " carries the manifest of " + m.name() + "-" + m.version());
      }
      return m;
    } catch (PackageException e) {
      throw new RollException(e.getMessage(), e);
    }
  }
}
