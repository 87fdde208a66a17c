package dev.roller.foreman.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An account as the repo wants it on this host (one entry of {@code GET /hosts/{fqdn}/users}). */
public record Account(String login, int uid, String comment, String shell, List<String> groups, List<String> keys,
    boolean sudo, Map<String, String> files) {

  public Account {
    groups = List.copyOf(groups);
    keys = List.copyOf(keys);
    files = Map.copyOf(files);
  }

  /** The accounts of a users document; throws {@link IllegalArgumentException} naming the entry at fault. */
  public static List<Account> fromDocument(Object doc) {
    if (!(doc instanceof Map<?, ?> map) || !(map.get("users") instanceof List<?> users)) {
      throw new IllegalArgumentException("the users document has no 'users' list");
    }
    List<Account> out = new ArrayList<>();
    for (Object item : users) {
      if (!(item instanceof Map<?, ?> u) || u.get("login") == null) {
        throw new IllegalArgumentException("a user entry has no login");
      }
      String login = String.valueOf(u.get("login"));
      if (!(u.get("uid") instanceof Number uid)) {
        throw new IllegalArgumentException("user " + login + " has no numeric uid");
      }
      Map<String, String> files = new LinkedHashMap<>();
      if (u.get("files") instanceof Map<?, ?> f) {
        f.forEach((k, v) -> files.put(String.valueOf(k), String.valueOf(v)));
      }
      out.add(new Account(login, uid.intValue(), u.get("comment") == null ? "" : String.valueOf(u.get("comment")),
          String.valueOf(u.get("shell")), strings(u.get("groups")), strings(u.get("ssh_keys")),
          Boolean.TRUE.equals(u.get("sudo")), files));
    }
    return out;
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      l.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }
}
