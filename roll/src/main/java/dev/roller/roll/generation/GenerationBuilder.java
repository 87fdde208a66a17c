package dev.roller.roll.generation;

import dev.roller.pkg.PackageException;
import dev.roller.pkg.Sha256;
import dev.roller.pkg.manifest.Manifest;
import dev.roller.pkg.manifest.ManifestParser;
import dev.roller.repo.model.PackageRef;
import dev.roller.roll.RollException;
import dev.roller.roll.layout.HostLayout;
import dev.roller.roll.render.TemplateContext;
import dev.roller.roll.render.Templates;
import dev.roller.roll.spec.HostSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Builds a complete generation for a spec from the packages' store trees: laid by {@link
 * TreeBuilder}, every template rendered with the host's context, {@code .roller/generation.yml}
 * written, then made a numbered generation. Any failure (a path conflict, a template error)
 * leaves no generation behind and the host untouched.
 */
public final class GenerationBuilder {
  /** The file in a generation that records what it was built from. */
  public static final String RECORD = ".roller/generation.yml";

  /** A built generation: its number and folder, and each package's manifest in start order. */
  public record Built(int number, Path dir, Map<PackageRef, Manifest> manifests, Map<String, String> rendered) {}

  private final HostLayout layout;
  private final Generations generations;

  public GenerationBuilder(HostLayout layout, Generations generations) {
    this.layout = layout;
    this.generations = generations;
  }

  public Built build(HostSpec spec, Map<HostSpec.Package, Path> trees, int n) throws RollException, IOException {
    Path dir = generations.startBuilding(n);
    boolean done = false;
    try {
      List<TreeBuilder.Source> sources = new ArrayList<>();
      Map<PackageRef, Manifest> manifests = new LinkedHashMap<>();
      for (HostSpec.Package p : spec.packages()) {
        Path tree = trees.get(p);
        sources.add(new TreeBuilder.Source(p.ref(), tree));
        manifests.put(p.ref(), manifest(p.ref(), tree));
      }
      List<TreeBuilder.Template> templates = TreeBuilder.build(sources, dir);
      Map<String, Object> context = TemplateContext.of(spec, layout);
      Map<String, String> rendered = new LinkedHashMap<>();
      for (TreeBuilder.Template t : templates) {
        String name = t.owner() + ":" + t.path() + ".tmpl";
        String text = Files.readString(t.source(), StandardCharsets.UTF_8);
        byte[] out = Templates.render(name, text, context).getBytes(StandardCharsets.UTF_8);
        Path target = dir.resolve(t.path());
        Files.createDirectories(target.getParent());
        Files.write(target, out);
        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(t.source()));
        rendered.put(t.path(), Sha256.of(out).hex());
      }
      writeRecord(dir, spec, n, rendered);
      Path finished = generations.finishBuilding(n);
      done = true;
      return new Built(n, finished, manifests, rendered);
    } finally {
      if (!done) {
        Trees.delete(dir);
      }
    }
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

  private static void writeRecord(Path dir, HostSpec spec, int n, Map<String, String> rendered) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("generation", n);
    record.put("built_at", Instant.now().toString());
    record.put("host", spec.host());
    record.put("commit", spec.commit());
    List<Map<String, Object>> packages = new ArrayList<>();
    for (HostSpec.Package p : spec.packages()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.ref().name());
      m.put("version", p.ref().version());
      m.put("sha256", p.sha256().hex());
      m.put("size", p.size());
      packages.add(m);
    }
    record.put("packages", packages);
    record.put("params", new LinkedHashMap<>(spec.params()));
    record.put("peers", new LinkedHashMap<>(spec.peers()));
    record.put("rendered", new LinkedHashMap<>(rendered));
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setDereferenceAliases(true);
    Path file = dir.resolve(RECORD);
    Files.createDirectories(file.getParent());
    Files.writeString(file, new Yaml(options).dump(record), StandardCharsets.UTF_8);
  }
}
