package dev.roller.repo.parse;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The one way Roller reads YAML that comes from outside the process: config repo files, package
 * manifests, specs, reports, users answers. Plain YAML only:
 *
 * <ul>
 *   <li>no tags ({@code !foo}, {@code !!binary}, {@code !!set}, {@code !!timestamp}) and no merge
 *       keys ({@code <<}): each is refused with its line;
 *   <li>scalars that look like dates stay the strings they were written as (no {@code
 *       java.util.Date}, whose text depends on the JVM's time zone);
 *   <li>a document is at most {@link Limits#maxChars} characters, and what its aliases expand it to
 *       is at most {@link Limits#maxExpanded} (an alias bomb is refused, naming its anchor's line,
 *       before anything expands it).
 * </ul>
 *
 * Thread-safe: the snakeyaml objects, which are not, are made per call or per thread.
 */
public final class SafeYaml {
  /**
   * Bounds on one document: its size in characters, and the size it expands to through aliases
   * (one per node plus the characters of every scalar, each alias counted in full).
   */
  public record Limits(int maxChars, long maxExpanded) {
    /** Both bounds {@code chars}: a document without aliases that fits, fits expanded too. */
    public static Limits of(int chars) {
      return new Limits(chars, chars);
    }
  }

  /** A document refused: not YAML, too large, tagged, or an alias bomb. */
  public static final class Refused extends Exception {
    private final int line;

    Refused(int line, String message) {
      super(message);
      this.line = line;
    }

    /** The 1-based line at fault (1 when the whole document is). */
    public int line() {
      return line;
    }
  }

  private static final Set<Tag> PLAIN = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ);

  private SafeYaml() {}

  /**
   * A composed document: its root ({@code null} when empty) and its size with every alias
   * expanded (one per node plus each scalar's characters): a bound on what it can add to a spec.
   */
  public record Document(Node root, long expanded) {}

  /** The single document of {@code text} as a node tree with lines, or null for an empty document. */
  public static Node compose(String text, Limits limits) throws Refused {
    return document(text, limits).root();
  }

  /** As {@link #compose}, with the document's expanded size. */
  public static Document document(String text, Limits limits) throws Refused {
    if (text.length() > limits.maxChars()) {
      throw new Refused(1, "too large: " + text.length() + " characters, at most " + limits.maxChars());
    }
    Node root;
    try {
      LoaderOptions options = options(limits);
      root = new Composer(new ParserImpl(new StreamReader(text), options), RESOLVER.get(), options).getSingleNode();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new Refused(mark == null ? 1 : mark.getLine() + 1,
          "YAML syntax error: " + (e.getContext() == null ? problem : e.getContext() + ": " + problem));
    } catch (YAMLException e) {
      throw new Refused(1, "YAML error: " + e.getMessage());
    }
    return new Document(root, root == null ? 0 : new Walk(limits).size(root));
  }

  /** {@code text} as plain Java values (String, Integer, Long, BigInteger, Double, Boolean, List, Map, null). */
  public static Object load(String text, Limits limits) throws Refused {
    Node root = compose(text, limits);
    return root == null ? null : toJava(root);
  }

  /** A node {@link #compose} returned (or part of one) as plain Java values. */
  public static Object toJava(Node node) {
    return PlainValues.INSTANCE.get().toJava(node);
  }

  private static LoaderOptions options(Limits limits) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Math.max(1, limits.maxChars()));
    // The expansion bound below is what stops alias bombs; this only keeps snakeyaml's own
    // check from refusing a document the bound would accept.
    options.setMaxAliasesForCollections(Integer.MAX_VALUE);
    options.setNestingDepthLimit(32);
    options.setAllowRecursiveKeys(false);
    options.setAllowDuplicateKeys(true); // Fields reports repeated keys with both lines
    return options;
  }

  /**
   * Checks every node's tag and measures the expanded document once, each shared node measured
   * once (so the check itself costs what the text does, however far the aliases would expand).
   */
  private static final class Walk {
    private final Limits limits;
    private final Map<Node, Long> sizes = new IdentityHashMap<>(4);
    private final Set<Node> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>(4));

    Walk(Limits limits) {
      this.limits = limits;
    }

    long size(Node node) throws Refused {
      // Only an anchored node can be reached twice (an alias is its anchor's very node), so only
      // those are remembered: a document without anchors is walked once, as a plain tree.
      boolean anchored = node.getAnchor() != null;
      if (anchored) {
        Long known = sizes.get(node);
        if (known != null) {
          return known;
        }
        if (!open.add(node)) {
          throw new Refused(Fields.line(node), "a recursive alias" + anchor(node) + ": a document must be a tree");
        }
      }
      Tag tag = node.getTag();
      if (tag.equals(Tag.MERGE)) {
        throw new Refused(Fields.line(node), "merge keys (<<) are not allowed: write the values out");
      }
      if (!PLAIN.contains(tag)) {
        throw new Refused(Fields.line(node), "YAML tags are not allowed (" + tag + "): write a plain value");
      }
      long size = 1;
      if (node instanceof ScalarNode scalar) {
        size += scalar.getValue().length();
      } else if (node instanceof SequenceNode seq) {
        for (Node item : seq.getValue()) {
          size = add(size, size(item), node);
        }
      } else if (node instanceof MappingNode map) {
        for (NodeTuple tuple : map.getValue()) {
          size = add(size, size(tuple.getKeyNode()), node);
          size = add(size, size(tuple.getValueNode()), node);
        }
      }
      if (anchored) {
        open.remove(node);
        sizes.put(node, size);
      }
      return size;
    }

    private long add(long size, long more, Node at) throws Refused {
      long total = size + more;
      if (total > limits.maxExpanded()) {
        Node worst = worstAnchor();
        throw new Refused(Fields.line(worst == null ? at : worst), "aliases expand this document past "
            + limits.maxExpanded() + " characters" + (worst == null ? "" : " (anchor &" + worst.getAnchor()
            + " alone expands to " + sizes.get(worst) + ")") + ": write the values out or make them smaller");
      }
      return total;
    }

    /** The anchored node measured so far that expands the most: where to look. */
    private Node worstAnchor() {
      Node worst = null;
      for (Map.Entry<Node, Long> e : sizes.entrySet()) {
        if (e.getKey().getAnchor() != null && (worst == null || e.getValue() > sizes.get(worst))) {
          worst = e.getKey();
        }
      }
      return worst;
    }

    private static String anchor(Node node) {
      return node.getAnchor() == null ? "" : " (&" + node.getAnchor() + ")";
    }
  }

  /** YAML 1.1's implicit types, less timestamps: a date-like scalar stays the string it was written as. */
  private static final class PlainResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO", 10);
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
  }

  private static final ThreadLocal<Resolver> RESOLVER = ThreadLocal.withInitial(PlainResolver::new);

  /** Turns a checked node tree into plain Java values. */
  private static final class PlainValues extends SafeConstructor {
    /** Costly to build and not thread-safe: one per thread, reused ({@code constructDocument} resets it). */
    static final ThreadLocal<PlainValues> INSTANCE = ThreadLocal.withInitial(PlainValues::new);

    private PlainValues() {
      super(new LoaderOptions());
    }

    Object toJava(Node node) {
      return constructDocument(node);
    }
  }
}
