package dev.roller.repo;

import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.User;
import dev.roller.repo.parse.CrossChecks;
import dev.roller.repo.parse.ObjectParser;
import dev.roller.repo.parse.Problems;
import dev.roller.repo.parse.RepoLayout;
import dev.roller.repo.resolve.SpecBound;
import dev.roller.repo.source.RepoEntry;
import dev.roller.repo.source.RepoTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a {@link RepoTree} into a validated {@link ConfigRepo}, or reports every problem at once.
 * Files are parsed in parallel; the result does not depend on the order they finish in.
 */
final class RepoLoader {
  private RepoLoader() {}

  private record Parsed(RepoLayout.Kind kind, String name, Object object, List<Problem> problems) {}

  static ConfigRepo load(RepoTree tree, long maxSpec) throws ConfigRepoException {
    List<Problem> problems = new ArrayList<>();
    Set<String> reportedScopes = new HashSet<>();
    List<RepoLayout.ObjectFile> files = new ArrayList<>();
    List<RepoEntry> fileEntries = new ArrayList<>();
    for (RepoEntry entry : tree.entries()) {
      RepoLayout.Place place = RepoLayout.classify(entry);
      if (place instanceof RepoLayout.ObjectFile file) {
        files.add(file);
        fileEntries.add(entry);
      } else if (place instanceof RepoLayout.Misplaced misplaced && reportedScopes.add(misplaced.scope())) {
        problems.add(new Problem(entry.path(), 1, misplaced.message()));
      }
    }

    List<Parsed> parsed = java.util.stream.IntStream.range(0, files.size()).parallel()
        .mapToObj(i -> parse(files.get(i), fileEntries.get(i)))
        .toList();

    TreeMap<String, Datacenter> datacenters = new TreeMap<>();
    TreeMap<String, Hostclass> hostclasses = new TreeMap<>();
    TreeMap<String, Host> hosts = new TreeMap<>();
    TreeMap<String, User> users = new TreeMap<>();
    Set<String> brokenDatacenters = new HashSet<>();
    Set<String> brokenHostclasses = new HashSet<>();
    for (Parsed p : parsed) {
      problems.addAll(p.problems());
      if (p.object() == null) {
        if (p.kind() == RepoLayout.Kind.DATACENTER) {
          brokenDatacenters.add(p.name());
        } else if (p.kind() == RepoLayout.Kind.HOSTCLASS) {
          brokenHostclasses.add(p.name());
        }
        continue;
      }
      switch (p.kind()) {
        case DATACENTER -> datacenters.put(p.name(), (Datacenter) p.object());
        case HOSTCLASS -> hostclasses.put(p.name(), (Hostclass) p.object());
        case HOST -> hosts.put(p.name(), (Host) p.object());
        case USER -> users.put(p.name(), (User) p.object());
      }
    }
    new CrossChecks(datacenters, hostclasses, brokenDatacenters, brokenHostclasses, problems::add)
        .check(hostclasses.values(), hosts.values(), users.values());
    if (!problems.isEmpty()) {
      throw new ConfigRepoException(problems);
    }
    ConfigRepo repo = new ConfigRepo(tree.commit(), datacenters, hostclasses, hosts, users);
    SpecBound.check(repo, maxSpec, problems::add);
    if (!problems.isEmpty()) {
      throw new ConfigRepoException(problems);
    }
    return repo;
  }

  private static Parsed parse(RepoLayout.ObjectFile file, RepoEntry entry) {
    Problems problems = new Problems(entry.path());
    Optional<Object> object = ObjectParser.parse(file.kind(), file.name(), entry.bytes(), problems);
    return new Parsed(file.kind(), file.name(), object.orElse(null), problems.list());
  }
}
