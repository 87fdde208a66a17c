package dev.roller.foreman.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accounts and groups of a root as its files say ({@code etc/passwd}, {@code etc/group},
 * {@code etc/shadow}), read fresh before each decision; changes go through the system's tools.
 */
public final class Passwd {
  /** A line of etc/passwd. */
  public record Entry(String login, int uid, int gid, String comment, String home, String shell) {}

  private final Map<String, Entry> byLogin = new HashMap<>();
  private final Map<Integer, String> byUid = new HashMap<>();
  private final Map<String, Set<String>> members = new HashMap<>();
  private final Map<String, Long> expires = new HashMap<>();

  public static Passwd read(Path root) throws IOException {
    Passwd p = new Passwd();
    for (String line : lines(root.resolve("etc/passwd"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 7 && f[2].matches("[0-9]+") && f[3].matches("[0-9]+")) {
        Entry e = new Entry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]);
        p.byLogin.put(e.login(), e);
        p.byUid.putIfAbsent(e.uid(), e.login());
      }
    }
    for (String line : lines(root.resolve("etc/group"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 4) {
        Set<String> m = new LinkedHashSet<>();
        for (String member : f[3].split(",")) {
          if (!member.isEmpty()) {
            m.add(member);
          }
        }
        p.members.put(f[0], m);
      }
    }
    for (String line : lines(root.resolve("etc/shadow"))) {
      String[] f = line.split(":", -1);
      if (f.length >= 8 && f[7].matches("[0-9]+")) {
        p.expires.put(f[0], Long.parseLong(f[7]));
      }
    }
    return p;
  }

  private static List<String> lines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  public Entry user(String login) {
    return byLogin.get(login);
  }

  /** The login holding {@code uid}, or null. */
  public String loginOf(int uid) {
    return byUid.get(uid);
  }

  public boolean groupExists(String group) {
    return members.containsKey(group);
  }

  /** The supplementary groups {@code login} is listed in. */
  public Set<String> groupsOf(String login) {
    Set<String> out = new java.util.TreeSet<>();
    members.forEach((group, m) -> {
      if (m.contains(login)) {
        out.add(group);
      }
    });
    return out;
  }

  /** Whether the account has expired (foreman's lock: it stops key logins too, unlike a password lock). */
  public boolean expired(String login) {
    Long days = expires.get(login);
    return days != null && days * 86_400_000L <= System.currentTimeMillis();
  }
}
