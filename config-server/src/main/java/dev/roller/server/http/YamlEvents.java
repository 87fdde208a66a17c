package dev.roller.server.http;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.ImplicitTuple;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.events.StreamStartEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A document of plain values (maps, lists, strings, whole numbers, booleans, nulls) fed to
 * SnakeYAML's own {@link Emitter} as events, skipping the representer and serializer {@code
 * Yaml.dump} builds a node graph with (an identity map and an anchor map of every node): half the
 * time for the same bytes, which is what the 100,000-host fleet document needs (DESIGN §10). What
 * each scalar needs quoting for is still SnakeYAML's {@link Resolver}'s answer, as in its
 * serializer. Anything else (a set, a fraction, a string YAML cannot print, nesting deeper than
 * {@link #MAX_DEPTH}) is {@link Unplain}, and {@link Render} dumps that document the usual way.
 * YamlEventsTest holds the two byte for byte equal on random documents.
 */
final class YamlEvents {
  /** Not a document of plain values: {@link Render} takes SnakeYAML's whole path. */
  static final class Unplain extends Exception {
    Unplain() {
      super(null, null, false, false);
    }
  }

  static final int MAX_DEPTH = 64;
  private static final Resolver RESOLVER = new Resolver();
  private static final String STR = Tag.STR.getValue();
  private static final String MAP = Tag.MAP.getValue();
  private static final String SEQ = Tag.SEQ.getValue();
  /** A number, boolean or null as its own text: resolved as what it is, so its tag is left out. */
  private static final ImplicitTuple OWN_TYPE = new ImplicitTuple(true, false);

  private final Emitter emitter;
  private final DumperOptions.ScalarStyle style;

  private YamlEvents(StringWriter out, DumperOptions options) {
    this.emitter = new Emitter(out, options);
    this.style = options.getDefaultScalarStyle();
  }

  /** The document as {@code Yaml.dump} with {@code options} (block style, no anchors) writes it. */
  static String dump(Object document, DumperOptions options) throws Unplain {
    StringWriter out = new StringWriter(16 * 1024);
    YamlEvents events = new YamlEvents(out, options);
    try {
      events.emitter.emit(new StreamStartEvent(null, null));
      events.emitter.emit(new DocumentStartEvent(null, null, options.isExplicitStart(), null, null));
      events.value(document, 0, options.getDefaultFlowStyle());
      events.emitter.emit(new DocumentEndEvent(null, null, options.isExplicitEnd()));
      events.emitter.emit(new StreamEndEvent(null, null));
    } catch (IOException e) {
      throw new IllegalStateException("a StringWriter failed: " + e, e);
    }
    return out.toString();
  }

  private void value(Object v, int depth, DumperOptions.FlowStyle flow) throws IOException, Unplain {
    if (depth > MAX_DEPTH) {
      throw new Unplain();
    }
    if (v instanceof String s) {
      string(s);
    } else if (v instanceof Map<?, ?> map) {
      emitter.emit(new MappingStartEvent(null, MAP, true, null, null, flow));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        value(e.getKey(), depth + 1, flow);
        value(e.getValue(), depth + 1, flow);
      }
      emitter.emit(new MappingEndEvent(null, null));
    } else if (v instanceof List<?> list) {
      emitter.emit(new SequenceStartEvent(null, SEQ, true, null, null, flow));
      for (Object item : list) {
        value(item, depth + 1, flow);
      }
      emitter.emit(new SequenceEndEvent(null, null));
    } else if (v instanceof Integer || v instanceof Long) {
      scalar(Tag.INT.getValue(), OWN_TYPE, v.toString(), DumperOptions.ScalarStyle.PLAIN);
    } else if (v instanceof Boolean) {
      scalar(Tag.BOOL.getValue(), OWN_TYPE, v.toString(), DumperOptions.ScalarStyle.PLAIN);
    } else if (v == null) {
      scalar(Tag.NULL.getValue(), OWN_TYPE, "null", DumperOptions.ScalarStyle.PLAIN);
    } else {
      throw new Unplain();
    }
  }

  private void string(String s) throws IOException, Unplain {
    if (!StreamReader.isPrintable(s)) {
      throw new Unplain(); // SnakeYAML writes it as !!binary
    }
    // As SnakeYAML's serializer: plain if it reads back as a string; quoted is always a string.
    ImplicitTuple implicit = new ImplicitTuple(Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, s, true)), true);
    scalar(STR, implicit, s, style == DumperOptions.ScalarStyle.PLAIN && multiline(s) ? DumperOptions.ScalarStyle.LITERAL : style);
  }

  /** As SnakeYAML's string representer: a string with a line break is written as a literal block. */
  private static boolean multiline(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return true;
      }
    }
    return false;
  }

  private void scalar(String tag, ImplicitTuple implicit, String text, DumperOptions.ScalarStyle style) throws IOException {
    emitter.emit(new ScalarEvent(null, tag, implicit, text, null, null, style));
  }
}
