package dev.roller.foreman.sync;

import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.SshKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
  public record Report(List<String> changes, List<String> failures) {
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
    for (Account a : wanted) {
      String problem = problem(a, passwd, state);
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
        change("group " + group + ": created", () -> {
          tools.groupadd(group);
          state.groups.add(group);
          state.save();
        });
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
    return new Report(List.copyOf(changes), List.copyOf(failures));
  }

  /** Why {@code a} cannot be synced, or null. */
  private String problem(Account a, Passwd passwd, State state) {
    if (!NameRule.LOGIN.matches(a.login())) {
      return NameRule.LOGIN.problem(a.login());
    }
    for (String key : a.keys()) {
      String p = SshKey.problem(key);
      if (p != null) {
        return "invalid ssh key: " + p;
      }
    }
    for (String name : a.files().keySet()) {
      if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.equals(".ssh")) {
        return "dotfile name " + NameRule.quote(name) + " is not a plain file name";
      }
    }
    if (!shells.computeIfAbsent(a.shell(), sh -> sh.startsWith("/") && Files.isExecutable(root.resolve(sh.substring(1))))) {
      return "shell " + a.shell() + " does not exist on this host";
    }
    Passwd.Entry existing = passwd.user(a.login());
    if (existing != null && !state.manages(a.login())) {
      return "login " + a.login() + " already exists and foreman did not create it";
    }
    String holder = passwd.loginOf(a.uid());
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
        return;
      }
      e = Passwd.read(root).user(a.login());
      if (e == null) {
        throw new IOException("useradd reported success but " + a.login() + " is not in etc/passwd");
      }
    } else {
      Passwd.Entry was = e;
      if (was.uid() != a.uid()) {
        change("user " + a.login() + ": uid " + was.uid() + " -> " + a.uid(), () -> tools.usermod(a.login(), "-u", Integer.toString(a.uid())));
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
    int uid = e.uid();
    int gid = e.gid();
    Path ssh = home.resolve(".ssh");
    String keys = a.keys().isEmpty() ? "" : String.join("\n", a.keys()) + "\n";
    write(a.login(), ssh.resolve("authorized_keys"), keys, "rw-------", uid, gid, ssh);
    for (var f : a.files().entrySet()) {
      write(a.login(), home.resolve(f.getKey()), f.getValue(), "rw-r--r--", uid, gid, null);
    }
    java.util.TreeSet<String> had = state.files.getOrDefault(a.login(), new java.util.TreeSet<>());
    for (String name : had) {
      Path dropped = home.resolve(name);
      if (!a.files().containsKey(name) && Files.exists(dropped, LinkOption.NOFOLLOW_LINKS)) {
        change("user " + a.login() + ": " + root.relativize(dropped) + " removed (dropped from the repo)",
            () -> Files.delete(dropped));
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
    Path keys = root.resolve(e.home().substring(1)).resolve(".ssh/authorized_keys");
    if (Files.exists(keys, LinkOption.NOFOLLOW_LINKS)) {
      change("user " + login + ": authorized_keys removed", () -> Files.delete(keys));
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
    change("sudoers: " + SUDOERS + " written", () -> {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(".roller-foreman.tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r-----"));
      Files.setAttribute(temp, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(temp, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
      String problem = tools.visudoProblem(temp);
      if (problem != null) {
        Files.deleteIfExists(temp);
        throw new IOException("visudo refused the sudoers file, the old one stays: " + problem);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    });
  }

  /** Writes {@code text} to {@code file} if it differs: a temporary sibling, owned and moded, renamed over it. */
  private void write(String login, Path file, String text, String mode, int uid, int gid, Path dir) throws IOException {
    boolean same = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        && Files.readString(file, StandardCharsets.UTF_8).equals(text)
        && PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)).equals(mode)
        && ((Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == uid;
    if (same) {
      return;
    }
    change("user " + login + ": " + root.relativize(file) + " written", () -> {
      if (dir != null && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
      if (Files.isSymbolicLink(file.getParent())) {
        throw new IOException(file.getParent() + " is a symbolic link; not writing through it");
      }
      Path temp = file.resolveSibling("." + file.getFileName() + ".foreman.tmp");
      Files.deleteIfExists(temp);
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(mode));
      Files.setAttribute(temp, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(temp, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    });
  }

  private interface Step {
    void run() throws IOException;
  }

  private void change(String what, Step step) throws IOException {
    changes.add(what);
    if (!dryRun) {
      dirty = true; // the account files may have changed: read them again before the next decision
      step.run();
    }
  }
}
