package dev.roller.roll.apply;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.RenderedPackage;
import dev.roller.repo.spec.Spec;
import dev.roller.roll.RollException;
import dev.roller.roll.fetch.ConfigServerClient;
import dev.roller.roll.generation.GenerationBuilder;
import dev.roller.roll.generation.GenerationRecord;
import dev.roller.roll.generation.Generations;
import dev.roller.roll.store.LocalPackages;
import dev.roller.roll.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a spec makes on this host, before anything is switched: its packages downloaded and
 * unpacked into the store, a generation built from them, and every generation checked against its
 * index. A generation that does not verify is never handed on.
 */
final class Builds {
  private final HostLayout layout;
  private final Generations generations;
  private final ConfigServerClient client;
  private final Applier.Progress progress;
  private final Log log;

  Builds(HostLayout layout, Generations generations, ConfigServerClient client, Applier.Progress progress, Log log) {
    this.layout = layout;
    this.generations = generations;
    this.client = client;
    this.progress = progress;
    this.log = log;
  }

  /**
   * Builds generation {@code to} and checks it against its index before anything uses it: a tree
   * that does not verify is never switched to. The first time one does not, the damage is in the
   * store (a write through a hard link): the store's entries are checked, the damaged ones
   * unpacked again, and the generation built once more.
   */
  GenerationBuilder.Built buildVerified(Spec spec, int to, boolean repair) throws RollException, IOException {
    for (int attempt = 0; ; attempt++) {
      Map<Spec.Package, Path> trees = fetch(spec, repair);
      GenerationBuilder.Built built = new GenerationBuilder(layout, generations).build(spec, trees, to);
      List<String> problems = quickVerify(to, built.record().packages().stream().map(RenderedPackage::sha256).toList());
      if (problems.isEmpty()) {
        return built;
      }
      generations.delete(to);
      if (repair || attempt > 0) {
        throw new RollException("the new generation " + to + " does not verify (" + problems.get(0)
            + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "") + ") even after its packages were "
            + "unpacked again: check " + layout.store() + " and the disk");
      }
      log.warn("the new generation " + to + " does not verify (" + problems.get(0) + "): checking the store");
      repair = true;
    }
  }

  /** Downloads and unpacks the spec's packages. */
  Map<Spec.Package, Path> fetch(Spec spec) throws RollException {
    return fetch(spec, false);
  }

  /** As above; with {@code repair}, damaged store entries are found and unpacked again. */
  Map<Spec.Package, Path> fetch(Spec spec, boolean repair) throws RollException {
    LocalPackages store = new LocalPackages(layout, client);
    List<Spec.Package> missing = spec.packages().stream().filter(p -> !store.has(p)).toList();
    if (!missing.isEmpty()) {
      progress.start(missing.size(), missing.stream().mapToLong(Spec.Package::size).sum());
    }
    try {
      Map<Spec.Package, Path> trees = store.ensure(spec.packages(), p -> {
        if (missing.contains(p)) {
          progress.ready(p);
        }
      }, repair);
      store.repaired().forEach(log::warn);
      return trees;
    } finally {
      if (!missing.isEmpty()) {
        progress.done();
      }
    }
  }

  /** The quick check of generation {@code n}'s tree, from its packages' identities (no YAML record). */
  List<String> quickVerify(int n, List<dev.roller.repo.model.Sha256> packages) throws RollException {
    Path dir = layout.generation(n);
    try {
      return Verifier.check(dir, GenerationBuilder.index(layout, dir, packages), false);
    } catch (IOException e) {
      throw new RollException("cannot verify generation " + n + ": " + e.getMessage(), e);
    }
  }

  /** {@code roll verify} of generation {@code n}: differences by path (empty when it matches). */
  List<String> verify(int n, boolean full) throws RollException {
    Path dir = layout.generation(n);
    return verify(n, Files.isRegularFile(dir.resolve(GenerationBuilder.INDEX)) ? GenerationRecord.read(dir) : null, full);
  }

  List<String> verify(int n, GenerationRecord rec, boolean full) throws RollException {
    Path dir = layout.generation(n);
    if (rec == null || !Files.isRegularFile(dir.resolve(GenerationBuilder.INDEX))) {
      return List.of();
    }
    try {
      return Verifier.check(dir, GenerationBuilder.index(layout, dir, rec), full);
    } catch (IOException e) {
      throw new RollException("cannot verify generation " + n + ": " + e.getMessage(), e);
    }
  }
}
