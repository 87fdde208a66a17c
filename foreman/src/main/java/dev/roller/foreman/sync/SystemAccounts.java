package dev.roller.foreman.sync;

import dev.roller.host.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accounts of the tree at {@code root} ({@code /} on a real host): read from its {@code
 * etc/passwd}, {@code etc/group} and {@code etc/shadow}, changed with the system's own tools
 * ({@code useradd --prefix ROOT} and friends), home files read and written through {@link
 * HomeFiles} (no link followed at any step), sudoers put in place only once visudo accepts it.
 */
public final class SystemAccounts implements UserAccounts {
  private final Path root;
  private final Tools tools;
  private final State state;
  private Passwd passwd;

  public SystemAccounts(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.tools = new Tools(this.root);
    this.state = State.read(this.root);
  }

  @Override
  public State state() {
    return state;
  }

  /** The host's accounts, read again after any change. */
  private Passwd passwd() throws IOException {
    if (passwd == null) {
      passwd = Passwd.read(root);
    }
    return passwd;
  }

  @Override
  public SyncPlan.Current current(List<Account> wanted) throws IOException {
    Passwd now = passwd();
    Map<String, SyncPlan.Home> homes = new HashMap<>();
    Map<String, Set<String>> names = new LinkedHashMap<>();
    for (Account a : wanted) {
      if (state.manages(a.login()) && now.user(a.login()) != null) {
        Set<String> files = names.computeIfAbsent(a.login(), k -> new LinkedHashSet<>());
        files.add(SyncPlan.KEYS);
        a.files().keySet().stream().filter(dev.roller.repo.model.NameRule.DOTFILE::matches).forEach(files::add);
        files.addAll(state.files.getOrDefault(a.login(), new java.util.TreeSet<>()));
      }
    }
    for (String login : state.accounts) {
      if (now.user(login) != null) {
        names.computeIfAbsent(login, k -> new LinkedHashSet<>()).add(SyncPlan.KEYS);
      }
    }
    names.forEach((login, files) -> homes.put(login, home(now.user(login), files)));
    Path sudoers = root.resolve(SyncPlan.SUDOERS);
    String text = Files.isRegularFile(sudoers, LinkOption.NOFOLLOW_LINKS) ? Files.readString(sudoers, StandardCharsets.UTF_8) : null;
    Map<String, Boolean> shells = new HashMap<>();
    return new SyncPlan.Current(now, state, homes, text, sh -> shells.computeIfAbsent(sh, this::shellExists));
  }

  /** A shell inside the root (its {@code ..} resolved, never escaping it) that can be run. */
  private boolean shellExists(String shell) {
    Path path = root.resolve(shell.substring(1)).normalize();
    return path.startsWith(root) && Files.isExecutable(path);
  }

  private SyncPlan.Home home(Passwd.Entry e, Set<String> names) {
    String path = root.relativize(root.resolve(e.home().substring(1)).normalize()).toString();
    Path home = root.resolve(path);
    Map<String, SyncPlan.Existing> files = new HashMap<>();
    if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(home)) {
      return new SyncPlan.Home(path, files, null);
    }
    try (HomeFiles in = HomeFiles.open(home, e.uid(), e.gid())) {
      for (String name : names) {
        boolean ssh = name.equals(SyncPlan.KEYS);
        try {
          SyncPlan.Existing existing = in.look(ssh, ssh ? "authorized_keys" : name);
          if (existing != null) {
            files.put(name, existing);
          }
        } catch (IOException problem) {
          files.put(name, new SyncPlan.Existing(null, null, -1, problem.getMessage()));
        }
      }
    } catch (IOException problem) {
      return new SyncPlan.Home(path, Map.of(), problem.getMessage());
    }
    return new SyncPlan.Home(path, files, null);
  }

  @Override
  public void addGroup(String group) throws IOException {
    changed();
    tools.groupadd(group);
    state.groups.add(group);
    state.save();
  }

  @Override
  public void addUser(Account account) throws IOException {
    changed();
    tools.useradd(account);
    state.accounts.add(account.login());
    state.save();
    if (passwd().user(account.login()) == null) {
      throw new IOException("useradd reported success but " + account.login() + " is not in etc/passwd");
    }
  }

  @Override
  public void modifyUser(String login, List<String> options) throws IOException {
    changed();
    tools.usermod(login, options.toArray(String[]::new));
  }

  @Override
  public void deleteUser(String login) throws IOException {
    changed();
    tools.userdel(login);
    state.accounts.remove(login);
    state.files.remove(login);
    state.save();
  }

  @Override
  public void writeFile(String login, String name, String text, String mode) throws IOException {
    boolean ssh = name.equals(SyncPlan.KEYS);
    try (HomeFiles files = open(login)) {
      files.write(ssh, ssh ? "authorized_keys" : name, text, mode);
    }
  }

  @Override
  public void deleteFile(String login, String name) throws IOException {
    boolean ssh = name.equals(SyncPlan.KEYS);
    try (HomeFiles files = open(login)) {
      files.delete(ssh, ssh ? "authorized_keys" : name);
    }
  }

  private HomeFiles open(String login) throws IOException {
    Passwd.Entry e = passwd().user(login);
    if (e == null) {
      throw new IOException(login + " is not in etc/passwd");
    }
    return HomeFiles.open(root.resolve(e.home().substring(1)), e.uid(), e.gid());
  }

  @Override
  public void sudoers(String text) throws IOException {
    Path file = root.resolve(SyncPlan.SUDOERS);
    if (text == null) {
      try {
        Files.delete(file);
      } catch (NoSuchFileException gone) {
        // removed meanwhile: what was wanted
      }
      return;
    }
    AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8), "r--r-----", temp -> {
      Files.setAttribute(temp, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(temp, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
      String problem = tools.visudoProblem(temp);
      if (problem != null) {
        throw new IOException("visudo refused the sudoers file, the old one stays: " + problem);
      }
    });
  }

  /** The account files may change: read them again before the next decision. */
  private void changed() {
    passwd = null;
  }
}
