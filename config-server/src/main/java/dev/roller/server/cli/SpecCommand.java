package dev.roller.server.cli;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.resolve.Explanation;
import dev.roller.repo.spec.SpecCodec;
import dev.roller.server.http.Render;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code config-server spec REPO_DIR [FQDN...]}: hosts' resolved specs, straight from a repo. */
@Command(
    name = "spec",
    mixinStandardHelpOptions = true,
    description = {
      "Prints hosts' resolved specs from a local repo.",
      "One YAML document per named host (every host when none is named): what the server's",
      "GET /hosts/{fqdn}/spec answers, less the packages' sha256 and size, which come from",
      "the package store."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "1:the repo is invalid, or a host is unknown", "2:usage error"})
final class SpecCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin RepoOptions repo;

  @Parameters(index = "1..*", paramLabel = "FQDN", description = "Hosts to print (default: all).")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--explain", description = "Add, for every param and package, the file and line it came from.")
  boolean explain;

  @Override
  public Integer call() throws ConfigRepoException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConfigRepo loaded;
    try {
      loaded = repo.load();
    } catch (ConfigRepoException e) {
      if (e.problems().isEmpty()) {
        throw e;
      }
      e.problems().forEach(err::println);
      err.println(repo.dir + ": invalid: " + e.getMessage());
      return Failures.INVALID;
    }
    List<String> names = hosts.isEmpty() ? List.copyOf(loaded.hosts().keySet()) : hosts;
    int status = Failures.OK;
    boolean first = true;
    for (String name : names) {
      var resolved = loaded.spec(name);
      if (resolved.isEmpty()) {
        err.println("config-server spec: unknown host " + NameRule.quote(name) + ": there is no hosts/" + name + ".yml");
        status = Failures.INVALID;
        continue;
      }
      Map<String, Object> doc = SpecCodec.toMap(resolved.get());
      if (explain) {
        Explanation why = loaded.explain(name).orElseThrow();
        doc.put("explain", why.toMap());
      }
      if (!first) {
        out.println("---");
      }
      first = false;
      out.print(new String(Render.render(doc, Render.Format.YAML), java.nio.charset.StandardCharsets.UTF_8));
    }
    out.flush();
    return status;
  }
}
