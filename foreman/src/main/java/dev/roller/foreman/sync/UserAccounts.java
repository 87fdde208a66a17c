package dev.roller.foreman.sync;

import java.io.IOException;
import java.util.List;

/**
 * A host's accounts as a sync sees them: what is there ({@link #current}), and the only ways a
 * sync changes it. {@link SystemAccounts} is the real one (the system's account tools and the
 * home files, under a root); each call either does all it says or throws.
 */
public interface UserAccounts {
  /** What the host has now for these wanted accounts (and for those foreman created that are gone from the repo). */
  SyncPlan.Current current(List<Account> wanted) throws IOException;

  void addGroup(String group) throws IOException;

  /** Creates the account with its home; returns only once the account is in the host's passwd. */
  void addUser(Account account) throws IOException;

  void modifyUser(String login, List<String> options) throws IOException;

  void deleteUser(String login) throws IOException;

  /** Writes a file ({@code .ssh/authorized_keys} or a dotfile) in the account's home, owned by the account. */
  void writeFile(String login, String name, String text, String mode) throws IOException;

  /** Removes a file from the account's home (a link is removed, never followed). */
  void deleteFile(String login, String name) throws IOException;

  /** Writes the sudoers file, or removes it when {@code text} is null; a file visudo refuses is never put in place. */
  void sudoers(String text) throws IOException;

  /** foreman's record of what it created, saved after every change. */
  State state();
}
