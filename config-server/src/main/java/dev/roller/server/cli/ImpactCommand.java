package dev.roller.server.cli;

import dev.roller.pkg.store.FilesystemStore;
import dev.roller.repo.ConfigRepo;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.impact.Impact;
import dev.roller.repo.source.GitRepo;
import dev.roller.server.http.Render;
import dev.roller.server.http.ServicePrediction;
import dev.roller.server.impact.ImpactReport;
import dev.roller.server.impact.ImpactText;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code config-server impact REPO --to B [--from A]}: which hosts a change would change, and how (DESIGN §7). */
@Command(
    name = "impact",
    mixinStandardHelpOptions = true,
    description = {
      "Prints which hosts a change would change, and how, before it is merged.",
      "Hosts whose spec changes the same way are one group (largest first): their hostclass,",
      "datacenters, package version changes, param changes, peer changes and, with",
      "--packages-dir, what happens to their services (rendered as roll would)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:--to is valid (its impact printed)", "1:--to (or --from) is invalid: its problems printed",
        "2:usage error, or an unknown revision"})
final class ImpactCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REPO_DIR", description = "The config repo's git repository (a working tree or a bare one).")
  Path dir;

  @Option(names = "--to", required = true, paramLabel = "REV", description = "The commit, branch or tag to compare with (merged or not).")
  String to;

  @Option(names = "--from", paramLabel = "REV", defaultValue = "HEAD", description = "What it changes from (default: ${DEFAULT-VALUE}).")
  String from;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "text, markdown (for a pull-request comment: at most 60 lines), yaml or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--packages-dir", paramLabel = "DIR",
      description = "A package store folder (as serve's): predict each group's services from its packages.")
  Path packagesDir;

  @Option(names = "--max-spec-size", paramLabel = "SIZE", converter = ByteSize.class, defaultValue = "1MiB",
      description = "Refuse a commit that would give any host a spec larger than this (default: ${DEFAULT-VALUE}).")
  long maxSpec;

  @Option(names = "--group", paramLabel = "N", description = "List every host of group N (a page at a time, see --page) with its services.")
  Integer group;

  @Option(names = "--page", paramLabel = "K", defaultValue = "1",
      description = "With --group: which page of " + ImpactReport.PAGE + " hosts (default: ${DEFAULT-VALUE}).")
  int page;

  @Option(names = "--stats", description = "Also print, on stderr, how long loading the two commits and computing the impact took.")
  boolean stats;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!java.util.List.of("text", "markdown", "yaml", "json").contains(format)) {
      err.println("config-server impact: --format must be text, markdown, yaml or json, not " + format);
      return Failures.USAGE;
    }
    Map<String, Object> doc;
    try (GitRepo git = GitRepo.open(dir)) {
      String fromCommit;
      String toCommit;
      try {
        fromCommit = git.resolve(from);
        toCommit = git.resolve(to);
      } catch (ConfigRepoException e) {
        err.println("config-server impact: " + e.getMessage());
        return Failures.USAGE;
      }
      long start = System.nanoTime();
      ConfigRepo before;
      try {
        before = ConfigRepo.load(git.read(fromCommit), maxSpec);
      } catch (ConfigRepoException e) {
        err.println("config-server impact: --from " + from + " (" + fromCommit + ") is invalid:");
        e.problems().forEach(err::println);
        return Failures.INVALID;
      }
      try {
        ConfigRepo after = ConfigRepo.load(git.read(toCommit), maxSpec);
        long loaded = System.nanoTime();
        ServicePrediction prediction = packagesDir == null ? null : new ServicePrediction(new FilesystemStore(packagesDir));
        Impact impact = Impact.between(before, after);
        ImpactReport.Predictor predictor = prediction == null ? null : prediction::predict;
        try {
          doc = group == null ? ImpactReport.document(fromCommit, toCommit, before, after, impact, predictor)
              : ImpactReport.page(fromCommit, toCommit, before, after, impact, group, page, predictor);
        } catch (IllegalArgumentException e) {
          err.println("config-server impact: " + e.getMessage());
          return Failures.USAGE;
        }
        if (stats) {
          err.println("load: " + (loaded - start) / 1_000_000 + " ms (both commits), impact: "
              + (System.nanoTime() - loaded) / 1_000_000 + " ms");
        }
        if (prediction == null) {
          err.println("config-server impact: services not predicted (give --packages-dir to render the packages)");
        }
      } catch (ConfigRepoException e) {
        doc = ImpactReport.invalid(fromCommit, toCommit, e.problems());
      }
    }
    boolean paged = doc.containsKey("page");
    switch (format) {
      case "markdown" -> out.print(paged ? ImpactText.page(doc, true) : ImpactText.markdown(doc));
      case "text" -> out.print(paged ? ImpactText.page(doc, false) : ImpactText.text(doc));
      default -> out.print(new String(Render.render(doc, format.equals("json") ? Render.Format.JSON : Render.Format.YAML),
          StandardCharsets.UTF_8));
    }
    out.flush();
    return paged || Boolean.TRUE.equals(doc.get("valid")) ? Failures.OK : Failures.INVALID;
  }
}
