package dev.roller.repo.parse;

import dev.roller.repo.model.NameRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The keys of one YAML mapping, read with their lines. Unknown and repeated keys are reported when
 * the mapping is opened; each accessor reports a wrong type and returns a default, so one pass over
 * a file finds all its problems.
 */
public final class Fields {
  private final Problems problems;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private final Map<String, Integer> lines;
  /** Where the mapping starts: the line a missing key is reported at (1 for a file's top level). */
  private final int at;

  /**
   * @param lines where each read value's line is recorded, under {@code prefix + key}
   */
  public Fields(MappingNode mapping, Set<String> allowed, Problems problems, Map<String, Integer> lines) {
    this.problems = problems;
    this.lines = lines;
    // A nested mapping (a service in a list, say) is its own place; a file's top level is the file.
    this.at = mapping.getStartMark() != null && mapping.getStartMark().getColumn() > 0 ? line(mapping) : 1;
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = keyText(keyNode);
      if (key == null) {
        continue;
      }
      if (entries.containsKey(key)) {
        problems.add(line(keyNode), "duplicate key '" + key + "' (first at line " + line(entries.get(key).getKeyNode()) + ")");
      } else if (!allowed.contains(key)) {
        problems.add(line(keyNode), "unknown key " + NameRule.quote(key) + " (expected one of: " + String.join(", ", allowed) + ")");
      } else {
        entries.put(key, tuple);
        lines.put(key, line(keyNode));
      }
    }
  }

  private String keyText(Node keyNode) {
    if (keyNode instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
      return scalar.getValue();
    }
    problems.add(line(keyNode), "expected a plain key, got " + kind(keyNode));
    return null;
  }

  public boolean has(String key) {
    return entries.containsKey(key) && !isNull(entries.get(key).getValueNode());
  }

  /** The value node of {@code key}, when it is present and not null (for nested structures). */
  public java.util.Optional<Node> node(String key) {
    return has(key) ? java.util.Optional.of(entries.get(key).getValueNode()) : java.util.Optional.empty();
  }

  public int line(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? 1 : line(tuple.getKeyNode());
  }

  /** A required scalar's text; reports it missing (at the mapping's first line) or of the wrong type. */
  public String requiredText(String key) {
    if (!has(key)) {
      problems.add(entries.containsKey(key) ? line(key) : at, "missing '" + key + "'");
      return null;
    }
    return optionalText(key, null);
  }

  /** An optional scalar's text (taken as written: {@code 1.10} stays {@code 1.10}). */
  public String optionalText(String key, String fallback) {
    if (!has(key)) {
      return fallback;
    }
    Node value = entries.get(key).getValueNode();
    return text(value, "'" + key + "'");
  }

  /** A required integer. */
  public Integer requiredInt(String key) {
    if (!has(key)) {
      problems.add(entries.containsKey(key) ? line(key) : at, "missing '" + key + "'");
      return null;
    }
    Node value = entries.get(key).getValueNode();
    if (value instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)) {
      try {
        return Integer.valueOf(scalar.getValue().replace("_", ""));
      } catch (NumberFormatException e) {
        problems.add(line(value), "'" + key + "' is out of range: " + scalar.getValue());
        return null;
      }
    }
    problems.add(line(value), "'" + key + "' must be a whole number, got " + kind(value));
    return null;
  }

  /** A list of scalars, each checked against {@code rule} (or any text when null); lines under {@code key.i}. */
  public List<String> textList(String key, NameRule rule, Set<String> alsoAllowed) {
    if (!has(key)) {
      return List.of();
    }
    Node value = entries.get(key).getValueNode();
    if (!(value instanceof SequenceNode sequence)) {
      problems.add(line(value), "'" + key + "' must be a list, got " + kind(value));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    for (Node item : sequence.getValue()) {
      String text = text(item, "each item of '" + key + "'");
      if (text != null) {
        String problem = rule == null || alsoAllowed.contains(text) ? null : rule.problem(text);
        if (problem != null) {
          problems.add(line(item), problem);
        } else if (out.contains(text)) {
          problems.add(line(item), "'" + key + "' lists " + NameRule.quote(text) + " twice");
        } else {
          lines.put(key + "." + out.size(), line(item));
          out.add(text);
        }
      }
      i++;
    }
    return out;
  }

  /**
   * A mapping from names (checked against {@code keyRule}) to scalars (checked against {@code
   * valueRule}, or any text when null), in file order; lines under {@code key.name}.
   */
  public Map<String, String> textMap(String key, NameRule keyRule, NameRule valueRule, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    mapping(key, what, (name, valueNode) -> {
      String problem = keyRule.problem(name);
      if (problem != null) {
        problems.add(line(valueNode), problem);
        return;
      }
      String text = text(valueNode, key + "." + name);
      if (text == null) {
        return;
      }
      problem = valueRule == null ? null : valueRule.problem(text);
      if (problem != null) {
        problems.add(line(valueNode), key + "." + name + ": " + problem);
        return;
      }
      out.put(name, text);
    });
    return out;
  }

  /** A mapping of param names to any YAML values, in file order; lines under {@code key.name}. */
  public Map<String, Object> params(String key) {
    Map<String, Object> out = new LinkedHashMap<>();
    mapping(key, "param names to values", (name, valueNode) -> {
      String problem = NameRule.PARAM.problem(name);
      if (problem != null) {
        problems.add(line(valueNode), problem);
        return;
      }
      out.put(name, SafeYaml.toJava(valueNode));
    });
    return out;
  }

  private void mapping(String key, String what, BiConsumer<String, Node> each) {
    if (!has(key)) {
      return;
    }
    Node value = entries.get(key).getValueNode();
    if (!(value instanceof MappingNode mapping)) {
      problems.add(line(value), "'" + key + "' must be a mapping of " + what + ", got " + kind(value));
      return;
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = keyText(tuple.getKeyNode());
      if (name == null) {
        continue;
      }
      int keyLine = line(tuple.getKeyNode());
      if (seen.containsKey(name)) {
        problems.add(keyLine, "duplicate key '" + key + "." + name + "' (first at line " + seen.get(name) + ")");
        continue;
      }
      seen.put(name, keyLine);
      lines.put((key + "." + name).intern(), keyLine);
      each.accept(name, tuple.getValueNode());
    }
  }

  private String text(Node value, String what) {
    if (value instanceof ScalarNode scalar) {
      if (scalar.getTag().equals(Tag.NULL)) {
        problems.add(line(value), what + " has no value");
        return null;
      }
      return scalar.getValue();
    }
    problems.add(line(value), what + " must be a single value, got " + kind(value));
    return null;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
  }

  public static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  public static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "nothing";
    }
    return "the value " + NameRule.quote(((ScalarNode) node).getValue());
  }
}
