package dev.roller.foreman.sync;

import dev.roller.repo.model.AccountRules;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.SshKey;
import dev.roller.repo.source.History;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What a sync changes on a host (DESIGN §6), worked out from what the repo wants and what the host
 * has, touching nothing: a value that {@code foreman sync --dry-run} prints and {@link Sync}
 * applies, change by change, through {@link UserAccounts}. Only accounts foreman created are ever
 * changed; an account the repo's own rules refuse, or the host's accounts forbid, is a failure
 * and is skipped, and the others still sync.
 */
public record SyncPlan(List<Change> changes, List<String> failures) {
  static final String SUDOERS = "etc/sudoers.d/roller-foreman";
  static final String KEYS = ".ssh/authorized_keys";
  private static final String KEYS_MODE = "rw-------";
  private static final String DOTFILE_MODE = "rw-r--r--";

  /** One change; {@link #account()} is the login it belongs to (null for groups and sudoers). */
  public sealed interface Change {
    String account();

    /** What the change does, as foreman prints it; null for bookkeeping nobody needs to read. */
    String line();
  }

  public record AddGroup(String group) implements Change {
    public String account() {
      return null;
    }

    public String line() {
      return "group " + group + ": created";
    }
  }

  public record AddUser(Account wanted) implements Change {
    public String account() {
      return wanted.login();
    }

    public String line() {
      return "user " + wanted.login() + ": created (uid " + wanted.uid() + ")";
    }
  }

  /** {@code usermod OPTIONS login}: a uid, shell, comment, groups or expiry change. */
  public record ModifyUser(String account, String what, List<String> options) implements Change {
    public String line() {
      return "user " + account + ": " + what;
    }
  }

  /** {@code userdel -r}: the account is gone from the repo and {@code --remove} was given. */
  public record DeleteUser(String account) implements Change {
    public String line() {
      return "user " + account + ": deleted (removed from the repo, --remove)";
    }
  }

  /** An account foreman created that is gone from the host already: only foreman's record of it goes. */
  public record Forget(String account) implements Change {
    public String line() {
      return "user " + account + ": gone already; forgotten";
    }
  }

  /** A file in the account's home ({@code path} from the root), written with {@code text}; {@code before} is what it holds now. */
  public record WriteFile(String account, String path, String name, String before, String text, String mode) implements Change {
    public String line() {
      return "user " + account + ": " + path + " written";
    }

    /** The change as a unified diff. */
    public String diff() {
      return History.diffTexts(before, "a/" + path, text, "b/" + path);
    }
  }

  /** A file removed from the account's home, never followed if it is a link. */
  public record DeleteFile(String account, String name, String why) implements Change {
    public String line() {
      return "user " + account + ": " + why;
    }
  }

  /** foreman's record of the dotfiles it wrote for the account (so one dropped from the repo can be removed). */
  public record KeepFiles(String account, Set<String> names) implements Change {
    public String line() {
      return null;
    }
  }

  /** The sudoers file, written (checked with visudo first), or removed when {@code text} is null. */
  public record Sudoers(String text) implements Change {
    public String account() {
      return null;
    }

    public String line() {
      return "sudoers: " + SUDOERS + (text == null ? " removed (no one has sudo here)" : " written");
    }
  }

  /**
   * What the host has now, as far as a sync cares: its accounts, what foreman created, each
   * account's home files that a sync would compare or remove, the sudoers file (null if none).
   */
  public record Current(Passwd passwd, State state, Map<String, Home> homes, String sudoers, Predicate<String> shellExists) {}

  /**
   * An account's home: its path from the root, and what each file a sync looks at holds (absent
   * ones are left out), keyed by {@code .ssh/authorized_keys} or the dotfile's name. {@code problem}:
   * the home could not be opened safely, nothing in it is touched.
   */
  public record Home(String path, Map<String, Existing> files, String problem) {}

  /** A file as it is: its text (null when it is not a plain file small enough to compare), mode and owner; or why it could not be looked at. */
  public record Existing(String text, String mode, int uid, String problem) {}

  /** The lines a sync prints for this plan (bookkeeping left out). */
  public List<String> lines() {
    return changes.stream().map(Change::line).filter(line -> line != null).toList();
  }

  /** A unified diff for every file the plan writes. */
  public List<String> diffs() {
    return changes.stream().filter(c -> c instanceof WriteFile).map(c -> ((WriteFile) c).diff()).toList();
  }

  public static SyncPlan of(List<Account> wanted, Current now, boolean remove) {
    List<Change> changes = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<String> listedTwice = new HashSet<>();
    for (Account a : wanted) {
      if (!seen.add(a.login())) {
        listedTwice.add(a.login());
      }
    }
    List<Account> valid = new ArrayList<>();
    Set<String> skipped = new TreeSet<>();
    for (Account a : wanted) {
      String problem = problem(a, now, listedTwice);
      if (problem != null) {
        failures.add(a.login() + ": " + problem + " (skipped; the other accounts still sync)");
        skipped.add(a.login());
      } else {
        valid.add(a);
      }
    }
    Set<String> groups = new TreeSet<>();
    valid.forEach(a -> groups.addAll(a.groups()));
    groups.stream().filter(g -> !now.passwd().groupExists(g)).forEach(g -> changes.add(new AddGroup(g)));
    for (Account a : valid) {
      account(a, now, changes, failures);
    }
    Set<String> wantedLogins = new LinkedHashSet<>();
    wanted.forEach(a -> wantedLogins.add(a.login()));
    for (String login : now.state().accounts) {
      if (!wantedLogins.contains(login)) {
        retire(login, now, remove, changes);
      }
    }
    String sudoers = sudoers(valid, skipped, now.sudoers());
    if (sudoers == null && now.sudoers() != null) {
      changes.add(new Sudoers(null));
    } else if (sudoers != null && !sudoers.equals(now.sudoers())) {
      changes.add(new Sudoers(sudoers));
    }
    return new SyncPlan(List.copyOf(changes), List.copyOf(failures));
  }

  /**
   * Why {@code a} cannot be synced, or null: the config repo's own rules (names, uid, comment,
   * shell, keys, dotfile names), checked again here because foreman acts as root on what a server
   * sent, then what this host's accounts say.
   */
  private static String problem(Account a, Current now, Set<String> listedTwice) {
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
    if (!now.shellExists().test(a.shell())) {
      return "shell " + a.shell() + " does not exist on this host";
    }
    if (now.passwd().user(a.login()) != null && !now.state().manages(a.login())) {
      return "login " + a.login() + " already exists and foreman did not create it";
    }
    String holder = now.passwd().loginOf((int) a.uid());
    if (holder != null && !holder.equals(a.login())) {
      return "uid " + a.uid() + " is held by " + holder + (now.state().manages(holder) ? "" : ", an account foreman did not create");
    }
    return null;
  }

  private static void account(Account a, Current now, List<Change> changes, List<String> failures) {
    String login = a.login();
    Passwd passwd = now.passwd();
    Passwd.Entry e = passwd.user(login);
    int owner;
    if (e == null) {
      changes.add(new AddUser(a));
      owner = (int) a.uid();
    } else {
      owner = e.uid();
      if (e.uid() != a.uid()) {
        changes.add(new ModifyUser(login, "uid " + e.uid() + " -> " + a.uid(), List.of("-u", Long.toString(a.uid()))));
      }
      if (!e.shell().equals(a.shell())) {
        changes.add(new ModifyUser(login, "shell " + e.shell() + " -> " + a.shell(), List.of("-s", a.shell())));
      }
      if (!e.comment().equals(a.comment())) {
        changes.add(new ModifyUser(login, "comment -> " + a.comment(), List.of("-c", a.comment())));
      }
      TreeSet<String> groups = new TreeSet<>(a.groups());
      if (!passwd.groupsOf(login).equals(groups)) {
        changes.add(new ModifyUser(login, "groups " + passwd.groupsOf(login) + " -> " + groups,
            List.of("-G", String.join(",", a.groups()))));
      }
      if (passwd.expired(login)) {
        changes.add(new ModifyUser(login, "unlocked (back in the repo)", List.of("-e", "")));
      }
    }
    // useradd -m makes /home/<login>; an account without its home yet has every file written.
    Home home = now.homes().getOrDefault(login, new Home("home/" + login, Map.of(), null));
    if (home.problem() != null) {
      failures.add(login + ": " + home.problem());
      return;
    }
    String keys = a.keys().isEmpty() ? "" : String.join("\n", a.keys()) + "\n";
    file(login, home, KEYS, keys, KEYS_MODE, owner, changes, failures);
    a.files().forEach((name, text) -> file(login, home, name, text, DOTFILE_MODE, owner, changes, failures));
    TreeSet<String> had = now.state().files.getOrDefault(login, new TreeSet<>());
    for (String name : had) {
      if (!a.files().containsKey(name) && home.files().containsKey(name)) {
        changes.add(new DeleteFile(login, name, home.path() + "/" + name + " removed (dropped from the repo)"));
      }
    }
    TreeSet<String> names = new TreeSet<>(a.files().keySet());
    if (!names.equals(had)) {
      changes.add(new KeepFiles(login, names));
    }
  }

  private static void file(String login, Home home, String name, String text, String mode, int owner, List<Change> changes,
      List<String> failures) {
    String path = home.path() + "/" + name;
    Existing now = home.files().get(name);
    if (now != null && now.problem() != null) {
      // One file that cannot be looked at safely (a planted link, a foreign .ssh) does not stop the others.
      failures.add(login + ": " + path + " not written: " + now.problem());
      return;
    }
    if (now != null && text.equals(now.text()) && mode.equals(now.mode()) && now.uid() == owner) {
      return;
    }
    changes.add(new WriteFile(login, path, name, now == null || now.text() == null ? "" : now.text(), text, mode));
  }

  /** An account gone from the repo: locked, keys removed; with --remove, deleted. */
  private static void retire(String login, Current now, boolean remove, List<Change> changes) {
    if (now.passwd().user(login) == null) {
      changes.add(new Forget(login));
      return;
    }
    if (remove) {
      changes.add(new DeleteUser(login));
      return;
    }
    if (!now.passwd().expired(login)) {
      changes.add(new ModifyUser(login, "locked (removed from the repo)", List.of("-e", "1")));
    }
    Home home = now.homes().get(login);
    if (home != null && home.problem() == null && home.files().containsKey(KEYS)) {
      changes.add(new DeleteFile(login, KEYS, "authorized_keys removed"));
    }
  }

  /** The sudoers file the valid accounts with sudo give, the skipped ones keeping the line they had; null when no one has sudo. */
  private static String sudoers(List<Account> valid, Set<String> skipped, String now) {
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
    return any ? text.toString() : null;
  }
}
