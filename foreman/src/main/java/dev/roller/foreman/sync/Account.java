package dev.roller.foreman.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An account as the repo wants it on this host (one entry of {@code GET /hosts/{fqdn}/users}), as
 * sent: {@link Sync} checks every field with the config repo's own rules before acting on it.
 */
public record Account(String login, long uid, String comment, String shell, List<String> groups, List<String> keys,
    boolean sudo, Map<String, String> files) {

  public Account {
    groups = List.copyOf(groups);
    keys = List.copyOf(keys);
    files = Map.copyOf(files);
  }

  /** The entries of a users document that could be read, and one line for each that could not. */
  public record Parsed(List<Account> accounts, List<String> unreadable) {}

  /**
   * The accounts of a users document; an entry without a login or a whole-number uid is named in
   * {@link Parsed#unreadable} and the others still come. Throws {@link IllegalArgumentException}
   * only for a document that is not a users document at all.
   */
  public static Parsed fromDocument(Object doc) {
    if (!(doc instanceof Map<?, ?> map) || !(map.get("users") instanceof List<?> users)) {
      throw new IllegalArgumentException("the users document has no 'users' list");
    }
    List<Account> out = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      Object item = users.get(i);
      if (!(item instanceof Map<?, ?> u) || u.get("login") == null) {
        unreadable.add("entry " + (i + 1) + " of the users document has no login (skipped)");
        continue;
      }
      String login = String.valueOf(u.get("login"));
      Object uid = u.get("uid");
      if (!(uid instanceof Integer || uid instanceof Long || uid instanceof java.math.BigInteger)) {
        unreadable.add(dev.roller.repo.model.NameRule.quote(login) + ": no whole-number uid (skipped)");
        continue;
      }
      long number = uid instanceof java.math.BigInteger big
          ? (big.bitLength() < 63 ? big.longValue() : Long.MAX_VALUE) : ((Number) uid).longValue();
      Map<String, String> files = new LinkedHashMap<>();
      if (u.get("files") instanceof Map<?, ?> f) {
        f.forEach((k, v) -> files.put(String.valueOf(k), String.valueOf(v)));
      }
      out.add(new Account(login, number, u.get("comment") == null ? "" : String.valueOf(u.get("comment")),
          String.valueOf(u.get("shell")), strings(u.get("groups")), strings(u.get("ssh_keys")),
          Boolean.TRUE.equals(u.get("sudo")), files));
    }
    return new Parsed(out, unreadable);
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      l.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }
}
