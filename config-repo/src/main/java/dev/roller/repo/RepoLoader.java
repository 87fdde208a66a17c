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
    return build(tree.commit(), tree.entries(), List.of(), new Objects(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
        new TreeMap<>()), maxSpec);
  }

  /**
   * The repo at {@code changes.commit()}, from {@code base} (the valid repo at {@code
   * changes.from()}) and what changed: only the changed files are parsed; the rest of {@code base}
   * is reused as it was. Every check that spans files runs on the whole result, so the repo (or
   * the problems) are those {@link #load} gives for the same commit.
   */
  static ConfigRepo update(ConfigRepo base, dev.roller.repo.source.RepoChanges changes, long maxSpec) throws ConfigRepoException {
    Objects objects = new Objects(new TreeMap<>(base.datacenters()), new TreeMap<>(base.hostclasses()),
        new TreeMap<>(base.hosts()), new TreeMap<>(base.users()));
    return build(changes.commit(), changes.changed(), changes.removed(), objects, maxSpec);
  }

  private record Objects(TreeMap<String, Datacenter> datacenters, TreeMap<String, Hostclass> hostclasses,
      TreeMap<String, Host> hosts, TreeMap<String, User> users) {
    TreeMap<String, ?> of(RepoLayout.Kind kind) {
      return switch (kind) {
        case DATACENTER -> datacenters;
        case HOSTCLASS -> hostclasses;
        case HOST -> hosts;
        case USER -> users;
      };
    }
  }

  /**
   * Parses {@code entries} into {@code objects} (replacing what they held under those paths), drops
   * the objects of the {@code removed} paths and of every entry that is no longer an object file,
   * and checks the whole.
   */
  private static ConfigRepo build(String commit, List<RepoEntry> entries, List<String> removed, Objects objects, long maxSpec)
      throws ConfigRepoException {
    List<Problem> problems = new ArrayList<>();
    Set<String> reportedScopes = new HashSet<>();
    List<RepoLayout.ObjectFile> files = new ArrayList<>();
    List<RepoEntry> fileEntries = new ArrayList<>();
    for (String path : removed) {
      if (RepoLayout.classify(RepoEntry.file(path, new byte[0])) instanceof RepoLayout.ObjectFile gone) {
        objects.of(gone.kind()).remove(gone.name());
      }
    }
    for (RepoEntry entry : entries) {
      RepoLayout.Place place = RepoLayout.classify(entry);
      if (place instanceof RepoLayout.ObjectFile file) {
        files.add(file);
        fileEntries.add(entry);
      } else {
        // What was an object file here (a plain .yml) is one no more: its object goes.
        if (RepoLayout.classify(RepoEntry.file(entry.path(), new byte[0])) instanceof RepoLayout.ObjectFile was) {
          objects.of(was.kind()).remove(was.name());
        }
        if (place instanceof RepoLayout.Misplaced misplaced && reportedScopes.add(misplaced.scope())) {
          problems.add(new Problem(entry.path(), 1, misplaced.message()));
        }
      }
    }

    List<Parsed> parsed = java.util.stream.IntStream.range(0, files.size()).parallel()
        .mapToObj(i -> parse(files.get(i), fileEntries.get(i)))
        .toList();

    TreeMap<String, Datacenter> datacenters = objects.datacenters();
    TreeMap<String, Hostclass> hostclasses = objects.hostclasses();
    TreeMap<String, Host> hosts = objects.hosts();
    TreeMap<String, User> users = objects.users();
    Set<String> brokenDatacenters = new HashSet<>();
    Set<String> brokenHostclasses = new HashSet<>();
    for (Parsed p : parsed) {
      problems.addAll(p.problems());
      if (p.object() == null) {
        objects.of(p.kind()).remove(p.name());
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
    ConfigRepo repo = new ConfigRepo(commit, datacenters, hostclasses, hosts, users);
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
