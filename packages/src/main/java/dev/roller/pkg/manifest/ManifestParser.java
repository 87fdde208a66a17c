package dev.roller.pkg.manifest;

import dev.roller.pkg.PackageException;
import dev.roller.repo.Problem;
import dev.roller.repo.model.Durations;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.parse.Fields;
import dev.roller.repo.parse.Problems;
import dev.roller.repo.parse.YamlDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Parses and validates {@code .roller/package.yml}, reporting every problem as {@code path:line: message}. */
public final class ManifestParser {
  private static final Set<String> TOP = keys("name", "version", "description", "services", "hooks");
  private static final Set<String> SERVICE = keys("name", "run", "stop_timeout", "reload", "health");
  private static final Set<String> HEALTH = keys("http", "tcp", "command", "timeout");
  private static final Set<String> HOOKS = keys("activate");

  private ManifestParser() {}

  /**
   * The manifest in {@code bytes}; {@code path} names the file in messages.
   *
   * @throws PackageException listing every problem, one per line
   */
  public static Manifest parse(byte[] bytes, String path) throws PackageException {
    Problems problems = new Problems(path);
    Optional<MappingNode> root = YamlDocument.parse(bytes, problems);
    Manifest manifest = root.map(node -> manifest(node, problems)).orElse(null);
    if (!problems.isEmpty()) {
      throw new PackageException("invalid package manifest:\n  " + problems.list().stream()
          .sorted().map(Problem::toString).collect(Collectors.joining("\n  ")));
    }
    return manifest;
  }

  private static Manifest manifest(MappingNode node, Problems p) {
    Fields f = new Fields(node, TOP, p, new HashMap<>());
    String name = checked(f.requiredText("name"), NameRule.PACKAGE, f.line("name"), p);
    String version = checked(f.requiredText("version"), NameRule.VERSION, f.line("version"), p);
    String description = f.optionalText("description", "");
    List<Service> services = new ArrayList<>();
    f.node("services").ifPresent(value -> {
      if (!(value instanceof SequenceNode list)) {
        p.add(Fields.line(value), "'services' must be a list, got " + Fields.kind(value));
        return;
      }
      Set<String> names = new HashSet<>();
      for (Node item : list.getValue()) {
        Service service = service(item, p);
        if (service != null && !names.add(service.name())) {
          p.add(Fields.line(item), "two services are named " + NameRule.quote(service.name()));
        }
        if (service != null) {
          services.add(service);
        }
      }
    });
    String activate = f.node("hooks").map(value -> {
      if (!(value instanceof MappingNode hooks)) {
        p.add(Fields.line(value), "'hooks' must be a mapping, got " + Fields.kind(value));
        return null;
      }
      return new Fields(hooks, HOOKS, p, new HashMap<>()).optionalText("activate", null);
    }).orElse(null);
    return new Manifest(name, version, description, services, activate);
  }

  private static Service service(Node item, Problems p) {
    if (!(item instanceof MappingNode node)) {
      p.add(Fields.line(item), "each service must be a mapping, got " + Fields.kind(item));
      return null;
    }
    Fields f = new Fields(node, SERVICE, p, new HashMap<>());
    String name = checked(f.requiredText("name"), NameRule.PACKAGE, f.line("name"), p);
    String run = f.requiredText("run");
    Duration stop = duration(f, "stop_timeout", Service.DEFAULT_STOP_TIMEOUT, p);
    String reload = f.optionalText("reload", null);
    HealthCheck health = f.node("health").map(value -> health(value, p)).orElse(null);
    return name == null || run == null ? null : new Service(name, run, stop, reload, health);
  }

  private static HealthCheck health(Node value, Problems p) {
    if (!(value instanceof MappingNode node)) {
      p.add(Fields.line(value), "'health' must be a mapping with one of http, tcp or command, got " + Fields.kind(value));
      return null;
    }
    Fields f = new Fields(node, HEALTH, p, new HashMap<>());
    HealthCheck found = null;
    boolean any = false;
    for (HealthCheck.Kind kind : HealthCheck.Kind.values()) {
      if (f.has(kind.key)) {
        any = true;
        if (found != null) {
          p.add(f.line(kind.key), "'health' takes one of http, tcp or command, not both " + found.kind().key + " and " + kind.key);
          continue;
        }
        String target = f.optionalText(kind.key, null);
        found = target == null ? null : new HealthCheck(kind, target, duration(f, "timeout", HealthCheck.DEFAULT_TIMEOUT, p));
      }
    }
    if (!any) {
      p.add(Fields.line(value), "'health' needs one of http, tcp or command");
    }
    return found;
  }

  /** The duration at {@code key}, or {@code fallback} when it is not written. */
  static Duration duration(Fields f, String key, Duration fallback, Problems p) {
    String text = f.optionalText(key, null);
    if (text == null) {
      return fallback;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      p.add(f.line(key), "'" + key + "' must be a duration such as 500ms, 10s, 2m or 1h, got " + NameRule.quote(text));
      return fallback;
    }
  }

  private static String checked(String name, NameRule rule, int line, Problems p) {
    String problem = name == null ? null : rule.problem(name);
    if (problem != null) {
      p.add(line, problem);
      return null;
    }
    return name;
  }

  private static Set<String> keys(String... keys) {
    return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }
}
