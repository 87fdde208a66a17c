package dev.roller.foreman.sync;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes a host's accounts match the repo (DESIGN §6): groups, accounts (uid, shell, comment,
 * supplementary groups, home), {@code ~/.ssh/authorized_keys} exactly, dotfiles, and {@code
 * /etc/sudoers.d/roller-foreman}. The {@link SyncPlan} says what changes; a dry run prints it, a
 * sync applies it change by change through {@link UserAccounts}. A change that fails is reported
 * and the rest of that account's changes are skipped (a file that cannot be written skips only
 * itself); every other account still syncs. Nothing is reported both made and failed.
 */
public final class Sync {
  /** What a sync did (or, dry, would do): one line per change, one per account or file it could not sync. */
  public record Report(List<String> changes, List<String> failures, List<String> diffs) {
    public boolean inSync() {
      return changes.isEmpty() && failures.isEmpty();
    }
  }

  private final UserAccounts accounts;
  private final boolean dryRun;
  private final boolean remove;

  public Sync(Path root, boolean dryRun, boolean remove) throws IOException {
    this(new SystemAccounts(root), dryRun, remove);
  }

  public Sync(UserAccounts accounts, boolean dryRun, boolean remove) {
    this.accounts = accounts;
    this.dryRun = dryRun;
    this.remove = remove;
  }

  /** The plan for {@code wanted} against the host as it is now. */
  public SyncPlan plan(List<Account> wanted) throws IOException {
    return SyncPlan.of(wanted, accounts.current(wanted), remove);
  }

  public Report run(List<Account> wanted) throws IOException {
    SyncPlan plan = plan(wanted);
    if (dryRun) {
      return new Report(plan.lines(), plan.failures(), plan.diffs());
    }
    List<String> done = new ArrayList<>();
    List<String> failures = new ArrayList<>(plan.failures());
    Set<String> failed = new HashSet<>();
    for (SyncPlan.Change change : plan.changes()) {
      String login = change.account();
      if (login != null && failed.contains(login)) {
        continue;
      }
      try {
        apply(change);
        if (change.line() != null) {
          done.add(change.line());
        }
      } catch (IOException e) {
        if (change instanceof SyncPlan.WriteFile w) {
          failures.add(login + ": " + w.path() + " not written: " + e.getMessage());
        } else if (change instanceof SyncPlan.AddGroup g) {
          failures.add("group " + g.group() + ": " + e.getMessage() + " (its members cannot sync)");
        } else if (change instanceof SyncPlan.Sudoers) {
          failures.add("sudoers: " + e.getMessage());
        } else {
          failures.add(login + ": " + e.getMessage());
          failed.add(login);
        }
      }
    }
    return new Report(List.copyOf(done), List.copyOf(failures), List.of());
  }

  private void apply(SyncPlan.Change change) throws IOException {
    State state = accounts.state();
    if (change instanceof SyncPlan.AddGroup g) {
      accounts.addGroup(g.group());
    } else if (change instanceof SyncPlan.AddUser u) {
      accounts.addUser(u.wanted());
    } else if (change instanceof SyncPlan.ModifyUser m) {
      accounts.modifyUser(m.account(), m.options());
    } else if (change instanceof SyncPlan.DeleteUser d) {
      accounts.deleteUser(d.account());
    } else if (change instanceof SyncPlan.Forget f) {
      state.accounts.remove(f.account());
      state.files.remove(f.account());
      state.save();
    } else if (change instanceof SyncPlan.WriteFile w) {
      accounts.writeFile(w.account(), w.name(), w.text(), w.mode());
    } else if (change instanceof SyncPlan.DeleteFile d) {
      accounts.deleteFile(d.account(), d.name());
    } else if (change instanceof SyncPlan.KeepFiles k) {
      if (k.names().isEmpty()) {
        state.files.remove(k.account());
      } else {
        state.files.put(k.account(), new TreeSet<>(k.names()));
      }
      state.save();
    } else if (change instanceof SyncPlan.Sudoers s) {
      accounts.sudoers(s.text());
    }
  }
}
