package dev.roller.repo;

import dev.roller.repo.index.RepoIndex;
import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.User;
import dev.roller.repo.resolve.Explanation;
import dev.roller.repo.resolve.SpecResolver;
import dev.roller.repo.source.FolderSource;
import dev.roller.repo.source.GitRepo;
import dev.roller.repo.source.RepoTree;
import dev.roller.repo.spec.Spec;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * One validated config repo at one commit, with its indexes: immutable and thread-safe. Only
 * {@link #load} makes one, so holding a {@code ConfigRepo} means holding a valid repo.
 */
public final class ConfigRepo {
  /** The largest resolved spec a valid commit may give a host, by default: 1 MiB. */
  public static final long DEFAULT_MAX_SPEC = 1 << 20;

  private final String commit;
  private final NavigableMap<String, Datacenter> datacenters;
  private final NavigableMap<String, Hostclass> hostclasses;
  private final NavigableMap<String, Host> hosts;
  private final NavigableMap<String, User> users;
  private final RepoIndex index;
  private final SpecResolver resolver;

  ConfigRepo(
      String commit,
      NavigableMap<String, Datacenter> datacenters,
      NavigableMap<String, Hostclass> hostclasses,
      NavigableMap<String, Host> hosts,
      NavigableMap<String, User> users) {
    this.commit = commit;
    this.datacenters = Collections.unmodifiableNavigableMap(datacenters);
    this.hostclasses = Collections.unmodifiableNavigableMap(hostclasses);
    this.hosts = Collections.unmodifiableNavigableMap(hosts);
    this.users = Collections.unmodifiableNavigableMap(users);
    this.index = new RepoIndex(this.hostclasses, this.hosts, this.users);
    this.resolver = new SpecResolver(this);
  }

  /**
   * Validates {@code tree}; throws with every problem when it is invalid. Whatever goes wrong while
   * loading is a problem of the tree, never another kind of exception: a commit that breaks the
   * loader is a rejected commit like any other.
   */
  public static ConfigRepo load(RepoTree tree) throws ConfigRepoException {
    return load(tree, DEFAULT_MAX_SPEC);
  }

  /** As {@link #load(RepoTree)}, refusing a commit that would give any host a spec over {@code maxSpec} bytes. */
  public static ConfigRepo load(RepoTree tree, long maxSpec) throws ConfigRepoException {
    try {
      return RepoLoader.load(tree, maxSpec);
    } catch (RuntimeException | StackOverflowError e) {
      throw new ConfigRepoException(List.of(new Problem("(repo)", 1, "cannot load this commit: " + e
          + " (a bug in Roller's loader: please report it with the commit)")));
    }
  }

  /**
   * The repo at {@code changes.commit()}, made from {@code base} (the repo at {@code changes.from()})
   * by parsing only the files that changed: the same repo, or the same problems, as {@link #load}
   * of that commit's tree.
   */
  public static ConfigRepo update(ConfigRepo base, dev.roller.repo.source.RepoChanges changes, long maxSpec)
      throws ConfigRepoException {
    if (!java.util.Objects.equals(base.commit(), changes.from())) {
      throw new IllegalArgumentException("changes from " + changes.from() + " applied to the repo at " + base.commit());
    }
    try {
      return RepoLoader.update(base, changes, maxSpec);
    } catch (RuntimeException | StackOverflowError e) {
      throw new ConfigRepoException(List.of(new Problem("(repo)", 1, "cannot load this commit: " + e
          + " (a bug in Roller's loader: please report it with the commit)")));
    }
  }

  /** Reads and validates the repo in a plain folder (its working files, not its commits). */
  public static ConfigRepo loadFolder(Path folder) throws ConfigRepoException {
    return load(FolderSource.read(folder));
  }

  /** Reads and validates the repo at {@code rev} (a sha, branch or tag) of the git repository in {@code dir}. */
  public static ConfigRepo loadGit(Path dir, String rev) throws ConfigRepoException {
    try (GitRepo git = GitRepo.open(dir)) {
      return load(git.read(rev));
    }
  }

  /** The full commit id, or null for a repo read from a plain folder. */
  public String commit() {
    return commit;
  }

  public NavigableMap<String, Datacenter> datacenters() {
    return datacenters;
  }

  public NavigableMap<String, Hostclass> hostclasses() {
    return hostclasses;
  }

  public NavigableMap<String, Host> hosts() {
    return hosts;
  }

  public NavigableMap<String, User> users() {
    return users;
  }

  public RepoIndex index() {
    return index;
  }

  /** The resolved spec of {@code host} (without sha256 and size, which the package store adds). */
  public Optional<Spec> spec(String host) {
    return Optional.ofNullable(hosts.get(host)).map(resolver::resolve);
  }

  /** For every param and package of {@code host}'s spec, the file and line it came from. */
  public Optional<Explanation> explain(String host) {
    return Optional.ofNullable(hosts.get(host)).map(resolver::explain);
  }
}
