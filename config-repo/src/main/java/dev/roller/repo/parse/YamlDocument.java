package dev.roller.repo.parse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns a file's bytes into its top-level YAML mapping node, keeping every node's line. Bytes that
 * are not UTF-8, YAML syntax errors, several documents and a top level that is not a mapping are
 * reported with their line, never thrown; so is everything {@link SafeYaml} refuses (tags, alias bombs).
 */
public final class YamlDocument {
  private YamlDocument() {}

  public static Optional<MappingNode> parse(byte[] bytes, Problems problems) {
    return document(bytes, problems).map(d -> (MappingNode) d.root());
  }

  /** As {@link #parse}, with the document's size once its aliases are expanded; its root is a mapping. */
  public static Optional<SafeYaml.Document> document(byte[] bytes, Problems problems) {
    Optional<String> text = decode(bytes, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    SafeYaml.Document document;
    try {
      document = SafeYaml.document(text.get(), LIMITS);
    } catch (SafeYaml.Refused e) {
      problems.add(e.line(), e.getMessage());
      return Optional.empty();
    }
    Node root = document.root();
    if (root == null) {
      problems.add(1, "empty file: expected a mapping of keys to values");
      return Optional.empty();
    }
    if (!(root instanceof MappingNode)) {
      problems.add(Fields.line(root), "expected a mapping of keys to values at the top, got " + Fields.kind(root));
      return Optional.empty();
    }
    return Optional.of(document);
  }

  /** A config file (or manifest, or settings file) is at most 4 MiB, aliases included. */
  public static final SafeYaml.Limits LIMITS = SafeYaml.Limits.of(4 << 20);

  private static Optional<String> decode(byte[] bytes, Problems problems) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      CharBuffer chars = decoder.decode(in);
      String text = chars.toString();
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      int nul = text.indexOf('\0');
      if (nul >= 0) {
        problems.add(lineAt(bytes, text.substring(0, nul).getBytes(StandardCharsets.UTF_8).length),
            "NUL character: a config file is text");
        return Optional.empty();
      }
      return Optional.of(text);
    } catch (CharacterCodingException e) {
      int offset = firstBadByte(bytes);
      problems.add(lineAt(bytes, offset),
          "not valid UTF-8 (byte " + offset + "): config files must be UTF-8 text");
      return Optional.empty();
    }
  }

  private static int firstBadByte(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    decoder.decode(in, out, true);
    return in.position();
  }

  private static int lineAt(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
