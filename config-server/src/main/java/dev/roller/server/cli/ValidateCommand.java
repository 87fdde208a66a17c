package dev.roller.server.cli;

import dev.roller.repo.ConfigRepo;
import dev.roller.repo.ConfigRepoException;
import dev.roller.repo.Problem;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code config-server validate REPO_DIR}: every problem of the repo, or a summary of what it holds. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a config repo and prints every problem as path:line: message.",
      "Reads the folder's files as they are (use it before committing), or a commit with --rev."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:valid", "1:invalid", "2:usage error, or the repo cannot be read"})
final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin RepoOptions repo;

  @Option(names = "--stats", description = "Also print how long loading, validating and indexing took, and the heap used.")
  boolean stats;

  @Override
  public Integer call() throws ConfigRepoException {
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    ConfigRepo loaded;
    try {
      loaded = repo.load();
    } catch (ConfigRepoException e) {
      if (e.problems().isEmpty()) {
        throw e;
      }
      for (Problem problem : e.problems()) {
        out.println(problem);
      }
      out.flush();
      spec.commandLine().getErr().println(repo.dir + ": invalid: " + e.getMessage());
      return Failures.INVALID;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    out.printf("%s: valid%s: %d datacenters, %d hostclasses, %d hosts, %d users%n",
        repo.dir, loaded.commit() == null ? "" : " at " + loaded.commit(),
        loaded.datacenters().size(), loaded.hostclasses().size(), loaded.hosts().size(), loaded.users().size());
    if (stats) {
      Runtime rt = Runtime.getRuntime();
      System.gc();
      long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
      out.printf("read: %d ms, parse+validate+index: %d ms, total: %d ms, heap after GC: %d MiB, max heap: %d MiB%n",
          repo.readNanos / 1_000_000, repo.validateNanos / 1_000_000, millis, heapMb, rt.maxMemory() >> 20);
    }
    return Failures.OK;
  }
}
