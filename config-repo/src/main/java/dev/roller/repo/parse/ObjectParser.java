package dev.roller.repo.parse;

import dev.roller.repo.model.Datacenter;
import dev.roller.repo.model.Host;
import dev.roller.repo.model.Hostclass;
import dev.roller.repo.model.AccountRules;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.model.Origin;
import dev.roller.repo.model.SshKey;
import dev.roller.repo.model.User;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * Parses one object file of the repo into its model type, checking everything that can be checked
 * within the file. References between files are checked later, by {@code CrossChecks}.
 */
public final class ObjectParser {
  private static final Set<String> DATACENTER_KEYS = keys("description", "params");
  private static final Set<String> HOSTCLASS_KEYS = keys("description", "packages", "params", "peers");
  private static final Set<String> HOST_KEYS = keys("hostclass", "datacenter", "params", "packages");
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
    return new Hostclass(name, description, packages, params, peers, new Origin(p.path(), lines, size));
  }

  private static Host host(String name, Fields f, Map<String, Integer> lines, Problems p, long size) {
    String hostclass = checked(f.requiredText("hostclass"), NameRule.HOSTCLASS, f.line("hostclass"), p);
    String datacenter = checked(f.requiredText("datacenter"), NameRule.DATACENTER, f.line("datacenter"), p);
    Map<String, Object> params = f.params("params");
    Map<String, String> packages = f.textMap("packages", NameRule.PACKAGE, NameRule.VERSION, "package names to exact versions");
    return new Host(name, hostclass, datacenter, params, packages, new Origin(p.path(), lines, size));
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
