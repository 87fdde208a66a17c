package dev.roller.roll.generation;

import dev.roller.host.HostLayout;
import dev.roller.pkg.PackageException;
import dev.roller.pkg.manifest.HealthCheck;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.ManifestParser;
import dev.roller.pkg.manifest.Service;
import dev.roller.repo.model.PackageRef;
import dev.roller.repo.spec.Spec;
import dev.roller.roll.RollException;
import dev.roller.roll.render.TemplateContext;
import dev.roller.roll.render.Templates;
import dev.roller.roll.service.ServiceUnit;
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

  /** The most one package's templates may render to, all together. */
  static final long MAX_RENDERED_PER_PACKAGE = 64L << 20;

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
      Map<String, Object> context = TemplateContext.of(spec, layout);
      Map<PackageRef, Map<String, String>> rendered = new LinkedHashMap<>();
      List<FileIndex.Entry> renderedEntries = new ArrayList<>();
      byte[] buffer = new byte[1 << 16];
      Map<PackageRef, Long> renderedBytes = new java.util.HashMap<>();
      for (TreeBuilder.Template t : templates) {
        String name = t.owner() + ":" + t.path() + ".tmpl";
        String text = Files.readString(t.source(), StandardCharsets.UTF_8);
        byte[] out = Templates.render(name, text, context).getBytes(StandardCharsets.UTF_8);
        long total = renderedBytes.merge(t.owner(), (long) out.length, Long::sum);
        if (total > MAX_RENDERED_PER_PACKAGE) {
          throw new RollException(t.owner() + ": its templates render to more than " + MAX_RENDERED_PER_PACKAGE
              + " bytes (at " + name + "): refused");
        }
        Path target = dir.resolve(t.path());
        dev.roller.host.AtomicFile.write(target, out,
            java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(t.source())));
        FileIndex.Entry entry = FileIndex.entryOf(target, t.path(), buffer);
        renderedEntries.add(entry);
        rendered.computeIfAbsent(t.owner(), k -> new LinkedHashMap<>()).put(t.path(), entry.digest());
      }
      List<GenerationRecord.Pkg> pkgs = new ArrayList<>();
      Set<String> serviceNames = new HashSet<>();
      for (Spec.Package p : spec.packages()) {
        Manifest m = manifests.get(p.ref());
        List<ServiceUnit> units = new ArrayList<>();
        for (Service s : m.services()) {
          if (!serviceNames.add(s.name())) {
            throw new RollException("service conflict: two packages of this host declare the service " + s.name()
                + " (the second is in " + p.ref() + ")");
          }
          units.add(unit(p.ref(), s, context));
        }
        String activate = m.activate() == null ? null
            : Templates.render(p.ref() + ":" + Manifest.PATH + " hooks.activate", m.activate(), context);
        pkgs.add(new GenerationRecord.Pkg(p, activate, units, rendered.getOrDefault(p.ref(), Map.of())));
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

  /** A manifest service with every string rendered for this host. */
  private static ServiceUnit unit(PackageRef ref, Service s, Map<String, Object> context) throws RollException {
    String at = ref + ":" + Manifest.PATH + " services[" + s.name() + "].";
    String run = Templates.render(at + "run", s.run(), context);
    String reload = s.reload() == null ? null : Templates.render(at + "reload", s.reload(), context);
    HealthCheck health = s.health() == null ? null : new HealthCheck(s.health().kind(),
        Templates.render(at + "health", s.health().target(), context), s.health().timeout());
    return new ServiceUnit(s.name(), run, s.stopTimeout(), reload, health);
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
    return index(layout, dir, rec.packages().stream().map(GenerationRecord.Pkg::sha256).toList());
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
