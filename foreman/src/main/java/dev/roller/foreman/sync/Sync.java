package dev.roller.foreman.sync;

import dev.roller.host.AtomicFile;
import dev.roller.repo.model.AccountRules;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.SshKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes a host's accounts match the repo (DESIGN §6): groups, accounts (uid, shell, comment,
 * supplementary groups, home), {@code ~/.ssh/authorized_keys} exactly, dotfiles, and {@code
 * /etc/sudoers.d/roller-foreman} (checked with {@code visudo -cf} before it is put in place).
 * Only accounts foreman created are ever changed. An account that cannot be synced (a bad key, a
 * missing shell, a login or uid held by an account foreman did not create) is reported and left
 * alone, the others still sync. An account gone from the repo is locked (expired, so key logins
 * stop too) and loses its keys and sudo; {@code --remove} deletes it. Every file is written to a
 * temporary sibling and renamed, so it is old or new, never half written.
 */
public final class Sync {
  /** What a sync did (or, dry, would do): one line per change, one per account it could not sync. */
  public record Report(List<String> changes, List<String> failures, List<String> diffs) {
    public boolean inSync() {
      return changes.isEmpty() && failures.isEmpty();
    }
  }

  static final String SUDOERS = "etc/sudoers.d/roller-foreman";

  private final Path root;
  private final boolean dryRun;
  private final boolean remove;
  private final Tools tools;
  private final List<String> changes = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<String> diffs = new ArrayList<>();
  private boolean dirty;
  private final java.util.Map<String, Boolean> shells = new java.util.HashMap<>();

  public Sync(Path root, boolean dryRun, boolean remove) {
    this.root = root.toAbsolutePath().normalize();
    this.dryRun = dryRun;
    this.remove = remove;
    this.tools = new Tools(this.root);
  }

  public Report run(List<Account> wanted) throws IOException {
    State state = State.read(root);
    Passwd passwd = Passwd.read(root);
    dirty = false;
    List<Account> valid = new ArrayList<>();
    Set<String> skipped = new TreeSet<>();
    Set<String> seen = new java.util.HashSet<>();
    Set<String> listedTwice = new java.util.HashSet<>();
    for (Account a : wanted) {
      if (!seen.add(a.login())) {
        listedTwice.add(a.login());
      }
    }
    for (Account a : wanted) {
      String problem = problem(a, passwd, state, listedTwice);
      if (problem != null) {
        failures.add(a.login() + ": " + problem + " (skipped; the other accounts still sync)");
        skipped.add(a.login());
      } else {
        valid.add(a);
      }
    }
    Set<String> groups = new TreeSet<>();
    valid.forEach(a -> groups.addAll(a.groups()));
    for (String group : groups) {
      if (!passwd.groupExists(group)) {
        try {
          change("group " + group + ": created", () -> {
            tools.groupadd(group);
            state.groups.add(group);
            state.save();
          });
        } catch (IOException e) {
          failures.add("group " + group + ": " + e.getMessage() + " (its members cannot sync)");
        }
      }
    }
    for (Account a : valid) {
      try {
        if (dirty) {
          passwd = Passwd.read(root);
          dirty = false;
        }
        account(a, passwd, state);
      } catch (IOException e) {
        failures.add(a.login() + ": " + e.getMessage());
      }
    }
    Set<String> wantedLogins = new LinkedHashSet<>();
    wanted.forEach(a -> wantedLogins.add(a.login()));
    for (String login : List.copyOf(state.accounts)) {
      if (!wantedLogins.contains(login)) {
        try {
          if (dirty) {
            passwd = Passwd.read(root);
            dirty = false;
          }
          retire(login, passwd, state);
        } catch (IOException e) {
          failures.add(login + ": " + e.getMessage());
        }
      }
    }
    try {
      sudoers(valid, skipped);
    } catch (IOException e) {
      failures.add("sudoers: " + e.getMessage());
    }
    return new Report(List.copyOf(changes), List.copyOf(failures), List.copyOf(diffs));
  }

  /**
   * Why {@code a} cannot be synced, or null: the config repo's own rules (names, uid, comment,
   * shell, keys, dotfile names), checked again here because foreman acts as root on what a server
   * sent, then what this host's accounts say.
   */
  private String problem(Account a, Passwd passwd, State state, Set<String> listedTwice) {
    if (!NameRule.LOGIN.matches(a.login())) {
      return NameRule.LOGIN.problem(a.login());
    }
    if (listedTwice.contains(a.login())) {
      return "listed more than once in the users document";
    }
    String rule = AccountRules.uidProblem(a.uid());
    if (rule == null) {
      rule = AccountRules.commentProblem(a.comment());
    }
    if (rule == null) {
      rule = AccountRules.shellProblem(a.shell());
    }
    if (rule != null) {
      return rule;
    }
    for (String group : a.groups()) {
      if (!NameRule.GROUP.matches(group)) {
        return NameRule.GROUP.problem(group);
      }
    }
    for (String key : a.keys()) {
      String p = SshKey.problem(key);
      if (p != null) {
        return "invalid ssh key: " + p;
      }
    }
    for (String name : a.files().keySet()) {
      if (!NameRule.DOTFILE.matches(name)) {
        return NameRule.DOTFILE.problem(name);
      }
    }
    if (!shells.computeIfAbsent(a.shell(), sh -> {
      Path shell = root.resolve(sh.substring(1)).normalize();
      return shell.startsWith(root) && Files.isExecutable(shell);
    })) {
      return "shell " + a.shell() + " does not exist on this host";
    }
    Passwd.Entry existing = passwd.user(a.login());
    if (existing != null && !state.manages(a.login())) {
      return "login " + a.login() + " already exists and foreman did not create it";
    }
    String holder = passwd.loginOf((int) a.uid());
    if (holder != null && !holder.equals(a.login())) {
      return "uid " + a.uid() + " is held by " + holder + (state.manages(holder) ? "" : ", an account foreman did not create");
    }
    return null;
  }

  private void account(Account a, Passwd passwd, State state) throws IOException {
    Passwd.Entry e = passwd.user(a.login());
    if (e == null) {
      change("user " + a.login() + ": created (uid " + a.uid() + ")", () -> {
        tools.useradd(a);
        state.accounts.add(a.login());
        state.save();
      });
      if (dryRun) {
        wouldWriteHome(a, root.resolve("home").resolve(a.login())); // useradd -m makes /home/<login>
        return;
      }
      e = Passwd.read(root).user(a.login());
      if (e == null) {
        throw new IOException("useradd reported success but " + a.login() + " is not in etc/passwd");
      }
    } else {
      Passwd.Entry was = e;
      if (was.uid() != a.uid()) {
        change("user " + a.login() + ": uid " + was.uid() + " -> " + a.uid(), () -> tools.usermod(a.login(), "-u", Long.toString(a.uid())));
      }
      if (!was.shell().equals(a.shell())) {
        change("user " + a.login() + ": shell " + was.shell() + " -> " + a.shell(), () -> tools.usermod(a.login(), "-s", a.shell()));
      }
      if (!was.comment().equals(a.comment())) {
        change("user " + a.login() + ": comment -> " + a.comment(), () -> tools.usermod(a.login(), "-c", a.comment()));
      }
      if (!passwd.groupsOf(a.login()).equals(new TreeSet<>(a.groups()))) {
        change("user " + a.login() + ": groups " + passwd.groupsOf(a.login()) + " -> " + new TreeSet<>(a.groups()),
            () -> tools.usermod(a.login(), "-G", String.join(",", a.groups())));
      }
      if (passwd.expired(a.login())) {
        change("user " + a.login() + ": unlocked (back in the repo)", () -> tools.usermod(a.login(), "-e", ""));
      }
      if (was.uid() != a.uid() && !dryRun) {
        e = Passwd.read(root).user(a.login());
      }
    }
    Path home = root.resolve(e.home().substring(1));
    if (dryRun && !Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
      wouldWriteHome(a, home);
      return;
    }
    try (HomeFiles files = HomeFiles.open(home, e.uid(), e.gid())) {
      String keys = a.keys().isEmpty() ? "" : String.join("\n", a.keys()) + "\n";
      write(a.login(), files, home, true, "authorized_keys", keys, "rw-------");
      for (var f : a.files().entrySet()) {
        write(a.login(), files, home, false, f.getKey(), f.getValue(), "rw-r--r--");
      }
      java.util.TreeSet<String> had = state.files.getOrDefault(a.login(), new java.util.TreeSet<>());
      for (String name : had) {
        if (!a.files().containsKey(name) && files.exists(false, name)) {
          change("user " + a.login() + ": " + root.relativize(home.resolve(name)) + " removed (dropped from the repo)",
              () -> files.delete(false, name));
        }
      }
      java.util.TreeSet<String> now = new java.util.TreeSet<>(a.files().keySet());
      if (!now.equals(had) && !dryRun) {
        if (now.isEmpty()) {
          state.files.remove(a.login());
        } else {
          state.files.put(a.login(), now);
        }
        state.save();
      }
    }
  }

  /** A dry run of an account without a home yet: everything would be written, shown as diffs from nothing. */
  private void wouldWriteHome(Account a, Path home) {
    String keys = a.keys().isEmpty() ? "" : String.join("\n", a.keys()) + "\n";
    java.util.Map<Path, String> files = new java.util.LinkedHashMap<>();
    files.put(home.resolve(".ssh/authorized_keys"), keys);
    a.files().forEach((name, text) -> files.put(home.resolve(name), text));
    files.forEach((file, text) -> {
      changes.add("user " + a.login() + ": " + root.relativize(file) + " written");
      diffs.add(diff(root.relativize(file).toString(), "", text));
    });
  }

  /** An account gone from the repo: locked, keys removed; with --remove, deleted. */
  private void retire(String login, Passwd passwd, State state) throws IOException {
    Passwd.Entry e = passwd.user(login);
    if (e == null) {
      change("user " + login + ": gone already; forgotten", () -> {
        state.accounts.remove(login);
        state.save();
      });
      return;
    }
    if (remove) {
      change("user " + login + ": deleted (removed from the repo, --remove)", () -> {
        tools.userdel(login);
        state.accounts.remove(login);
        state.files.remove(login);
        state.save();
      });
      return;
    }
    if (!passwd.expired(login)) {
      change("user " + login + ": locked (removed from the repo)", () -> tools.usermod(login, "-e", "1"));
    }
    Path home = root.resolve(e.home().substring(1));
    if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (HomeFiles files = HomeFiles.open(home, e.uid(), e.gid())) {
      if (files.exists(true, "authorized_keys")) {
        change("user " + login + ": authorized_keys removed", () -> files.delete(true, "authorized_keys"));
      }
    }
  }

  /** The sudoers file: the valid accounts with sudo, and the skipped ones keep the line they had. */
  private void sudoers(List<Account> valid, Set<String> skipped) throws IOException {
    Path file = root.resolve(SUDOERS);
    String now = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    StringBuilder text = new StringBuilder("# Written by foreman from the config repo: do not edit, the next sync rewrites it.\n");
    boolean any = false;
    for (Account a : valid) {
      if (a.sudo()) {
        text.append(a.login()).append(" ALL=(ALL:ALL) NOPASSWD: ALL\n");
        any = true;
      }
    }
    if (now != null) {
      for (String line : now.split("\n")) {
        if (skipped.contains(line.split(" ", 2)[0])) {
          text.append(line).append('\n');
          any = true;
        }
      }
    }
    if (!any) {
      if (now != null) {
        change("sudoers: " + SUDOERS + " removed (no one has sudo here)", () -> Files.delete(file));
      }
      return;
    }
    if (text.toString().equals(now)) {
      return;
    }
    change("sudoers: " + SUDOERS + " written", () -> AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8),
        "r--r-----", temp -> {
          Files.setAttribute(temp, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(temp, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
          String problem = tools.visudoProblem(temp);
          if (problem != null) {
            throw new IOException("visudo refused the sudoers file, the old one stays: " + problem);
          }
        }));
  }

  /** Writes {@code text} to {@code name} in the home (or its .ssh) if it differs, through {@link HomeFiles}. */
  private void write(String login, HomeFiles files, Path home, boolean ssh, String name, String text, String mode) {
    Path file = ssh ? home.resolve(".ssh").resolve(name) : home.resolve(name);
    try {
      if (files.holds(ssh, name, text, mode)) {
        return;
      }
      if (dryRun) {
        diffs.add(diff(root.relativize(file).toString(), files.read(ssh, name), text));
        changes.add("user " + login + ": " + root.relativize(file) + " written");
        return;
      }
      dirty = true;
      files.write(ssh, name, text, mode);
      changes.add("user " + login + ": " + root.relativize(file) + " written");
    } catch (IOException e) {
      // One file that cannot be written (a planted link, a foreign .ssh) does not stop the others.
      failures.add(login + ": " + root.relativize(file) + " not written: " + e.getMessage());
    }
  }

  /** A unified diff of what a dry run would write (for --dry-run, like a check mode with diffs). */
  private static String diff(String path, String before, String after) {
    return dev.roller.repo.source.History.diffTexts(before, "a/" + path, after, "b/" + path);
  }

  private interface Step {
    void run() throws IOException;
  }

  /** A change: only listed once it is made (or, dry, as what would be made), never both made and failed. */
  private void change(String what, Step step) throws IOException {
    if (!dryRun) {
      dirty = true; // the account files may have changed: read them again before the next decision
      step.run();
    }
    changes.add(what);
  }
}
