package dev.roller.repo.parse;

import dev.roller.repo.model.AccountRules;
import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Durations;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.Origin;
import dev.roller.repo.model.Rollout;
import dev.roller.repo.model.SshKey;
import dev.roller.repo.model.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses one object file of the repo into its model type, checking everything that can be checked
 * within the file. References between files are checked later, by {@code CrossChecks}.
 */
public final class ObjectParser {
  private static final Set<String> DATACENTER_KEYS = keys("description", "params");
  private static final Set<String> HOSTCLASS_KEYS = keys("description", "packages", "params", "peers", "rollout");
  private static final Set<String> ROLLOUT_KEYS = keys("waves", "soak", "max_failures", "paused");
  private static final Set<String> HOST_KEYS = keys("hostclass", "datacenter", "params", "packages", "key");
  private static final Set<String> USER_KEYS =
      keys("uid", "comment", "shell", "groups", "ssh_keys", "hostclasses", "sudo", "files");
  private static final Set<String> ANY_HOSTCLASS = Set.of(User.EVERY_HOSTCLASS);

  private ObjectParser() {}

  /** The object in {@code bytes}, or empty when the file has problems (all added to {@code problems}). */
  public static Optional<Object> parse(RepoLayout.Kind kind, String name, byte[] bytes, Problems problems) {
    Optional<SafeYaml.Document> document = YamlDocument.document(bytes, problems);
    if (document.isEmpty()) {
      return Optional.empty();
    }
    MappingNode root = (MappingNode) document.get().root();
    Map<String, Integer> lines = new HashMap<>();
    long size = document.get().expanded();
    Object object = switch (kind) {
      case DATACENTER -> datacenter(name, new Fields(root, DATACENTER_KEYS, problems, lines), lines, problems, size);
      case HOSTCLASS -> hostclass(name, new Fields(root, HOSTCLASS_KEYS, problems, lines), lines, problems, size);
      case HOST -> host(name, new Fields(root, HOST_KEYS, problems, lines), lines, problems, size);
      case USER -> user(name, new Fields(root, USER_KEYS, problems, lines), lines, problems);
    };

    return problems.isEmpty() ? Optional.of(object) : Optional.empty();
  }

  private static Datacenter datacenter(String name, Fields f, Map<String, Integer> lines, Problems p, long size) {
    String description = f.optionalText("description", "");
    Map<String, Object> params = f.params("params");
    return new Datacenter(name, description, params, new Origin(p.path(), lines, size));
  }

  private static Hostclass hostclass(String name, Fields f, Map<String, Integer> lines, Problems p, long size) {
    String description = f.optionalText("description", "");
    Map<String, String> packages = f.textMap("packages", NameRule.PACKAGE, NameRule.VERSION, "package names to exact versions");
    Map<String, Object> params = f.params("params");
    List<String> peers = f.textList("peers", NameRule.HOSTCLASS, Set.of());
    Rollout rollout = f.has("rollout") ? rollout(f, lines, p) : null;
    return new Hostclass(name, description, packages, params, peers, rollout, new Origin(p.path(), lines, size));
  }

  /**
   * {@code rollout:}: waves (counts, then shares, each rising; a share at most 100%), soak (a
   * duration), max_failures (a whole number from 0), paused (true or false). Lines under
   * {@code rollout.<key>}.
   */
  private static Rollout rollout(Fields f, Map<String, Integer> lines, Problems p) {
    Node node = f.node("rollout").orElseThrow();
    if (!(node instanceof MappingNode mapping)) {
      p.add(f.line("rollout"), "'rollout' must be a mapping of waves, soak, max_failures and paused, got " + Fields.kind(node));
      return null;
    }
    Map<String, Integer> at = new HashMap<>();
    Fields r = new Fields(mapping, ROLLOUT_KEYS, p, at);
    at.forEach((key, line) -> lines.put("rollout." + key, line));
    List<Rollout.Wave> waves = new ArrayList<>();
    if (r.has("waves")) {
      Node list = r.node("waves").orElseThrow();
      if (!(list instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
        p.add(r.line("waves"), "'rollout.waves' must be a list of host counts (5) and shares (10%), got " + Fields.kind(list));
      } else {
        Rollout.Wave before = null;
        for (Node item : sequence.getValue()) {
          Rollout.Wave w = wave(item, before, p);
          if (w != null) {
            waves.add(w);
            before = w;
          }
        }
      }
    } else {
      waves.add(Rollout.Wave.share(100));
    }
    Duration soak = Duration.ZERO;
    if (r.has("soak")) {
      try {
        soak = Durations.parse(scalar(r.node("soak").orElseThrow()));
      } catch (IllegalArgumentException e) {
        p.add(r.line("soak"), "'rollout.soak' is " + e.getMessage());
      }
    }
    int maxFailures = 0;
    if (r.has("max_failures")) {
      Node n = r.node("max_failures").orElseThrow();
      String text = scalar(n);
      if (text == null || !text.matches("[0-9]{1,9}") || !(n instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
        p.add(r.line("max_failures"), "'rollout.max_failures' must be a whole number from 0, got " + Fields.kind(n));
      } else {
        maxFailures = Integer.parseInt(text);
      }
    }
    boolean paused = false;
    if (r.has("paused")) {
      Node n = r.node("paused").orElseThrow();
      if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
        paused = Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
      } else {
        p.add(r.line("paused"), "'rollout.paused' must be true or false, got " + Fields.kind(n));
      }
    }
    return new Rollout(waves, soak, maxFailures, paused);
  }

  /** One wave, checked against the one before it (counts come first, each wave reaches further). */
  private static Rollout.Wave wave(Node item, Rollout.Wave before, Problems p) {
    String text = scalar(item);
    int line = Fields.line(item);
    Rollout.Wave w;
    if (text != null && text.matches("[0-9]{1,9}%")) {
      int percent = Integer.parseInt(text.substring(0, text.length() - 1));
      if (percent < 1 || percent > 100) {
        p.add(line, "'rollout.waves': a share is from 1% to 100%, not " + text);
        return null;
      }
      w = Rollout.Wave.share(percent);
    } else if (text != null && text.matches("[0-9]{1,9}")) {
      int count = Integer.parseInt(text);
      if (count < 1) {
        p.add(line, "'rollout.waves': a wave has at least 1 host, not " + text);
        return null;
      }
      w = Rollout.Wave.hosts(count);
    } else {
      p.add(line, "'rollout.waves': each wave is a host count (5) or a share (10%), got " + Fields.kind(item));
      return null;
    }
    if (before != null) {
      if (before.percent() > 0 && w.count() > 0) {
        p.add(line, "'rollout.waves': a host count (" + w + ") after a share (" + before + "): counts come first");
        return null;
      }
      if (before.count() > 0 ? w.count() > 0 && w.count() <= before.count() : w.percent() <= before.percent()) {
        p.add(line, "'rollout.waves' must rise (they are cumulative): " + w + " after " + before);
        return null;
      }
    }
    return w;
  }

  private static String scalar(Node node) {
    return node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
  }

  private static Host host(String name, Fields f, Map<String, Integer> lines, Problems p, long size) {
    String hostclass = checked(f.requiredText("hostclass"), NameRule.HOSTCLASS, f.line("hostclass"), p);
    String datacenter = checked(f.requiredText("datacenter"), NameRule.DATACENTER, f.line("datacenter"), p);
    Map<String, Object> params = f.params("params");
    Map<String, String> packages = f.textMap("packages", NameRule.PACKAGE, NameRule.VERSION, "package names to exact versions");
    String key = f.optionalText("key", null);
    if (key != null) {
      try {
        dev.roller.repo.trust.Keys.parsePublic(key);
      } catch (IllegalArgumentException e) {
        p.add(f.line("key"), "'key': " + e.getMessage() + " (roll key prints this host's)");
      }
    }
    return new Host(name, hostclass, datacenter, params, packages, key, new Origin(p.path(), lines, size));
  }

  private static User user(String login, Fields f, Map<String, Integer> lines, Problems p) {
    Integer uid = f.requiredInt("uid");
    if (uid != null && AccountRules.uidProblem(uid) != null) {
      p.add(f.line("uid"), AccountRules.uidProblem(uid));
    }
    String comment = f.optionalText("comment", "");
    if (comment != null && AccountRules.commentProblem(comment) != null) {
      p.add(f.line("comment"), AccountRules.commentProblem(comment));
    }
    String shell = f.optionalText("shell", User.DEFAULT_SHELL);
    if (shell != null && AccountRules.shellProblem(shell) != null) {
      p.add(f.line("shell"), AccountRules.shellProblem(shell));
    }
    List<String> groups = f.textList("groups", NameRule.GROUP, Set.of());
    List<String> keys = f.textList("ssh_keys", null, Set.of());
    for (int i = 0; i < keys.size(); i++) {
      String problem = SshKey.problem(keys.get(i));
      if (problem != null) {
        p.add(lines.getOrDefault("ssh_keys." + i, f.line("ssh_keys")), "ssh_keys: " + problem);
      }
    }
    List<String> hostclasses = f.textList("hostclasses", NameRule.HOSTCLASS, ANY_HOSTCLASS);
    List<String> sudo = f.textList("sudo", NameRule.HOSTCLASS, ANY_HOSTCLASS);
    Map<String, String> files = f.textMap("files", NameRule.DOTFILE, null, "dotfile names to their contents");
    return new User(login, uid == null ? 0 : uid, comment, shell, groups, keys, hostclasses, sudo, files,
        new Origin(p.path(), lines));
  }

  private static String checked(String name, NameRule rule, int line, Problems p) {
    if (name == null) {
      return null;
    }
    String problem = rule.problem(name);
    if (problem != null) {
      p.add(line, problem);
    }
    return name;
  }

  private static Set<String> keys(String... keys) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }
}
