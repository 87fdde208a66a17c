package dev.roller.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.roller.repo.parse.SafeYaml;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/** Documents to bytes: YAML (block style, no anchors) or JSON. Thread-safe. */
public final class Render {
  public enum Format {
    YAML("application/yaml"),
    JSON("application/json");

    final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  /** Block style, no anchors (a value twice is written twice), no folded lines. Not changed once made. */
  private static final DumperOptions OPTIONS = options();
  private static final ThreadLocal<Yaml> YAML = ThreadLocal.withInitial(() ->
      new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(OPTIONS), OPTIONS));

  private Render() {}

  public static byte[] render(Object document, Format format) {
    if (format == Format.JSON) {
      try {
        return JSON.writeValueAsBytes(document);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
      }
    }
    String yaml;
    try {
      yaml = YamlEvents.dump(document, OPTIONS);
    } catch (YamlEvents.Unplain e) {
      yaml = snakeYaml(document);
    }
    return yaml.getBytes(StandardCharsets.UTF_8);
  }

  /** The document by SnakeYAML's whole path (representer, serializer, emitter): what {@link YamlEvents} must equal. */
  static String snakeYaml(Object document) {
    return YAML.get().dump(document);
  }

  private static DumperOptions options() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setDereferenceAliases(true);
    options.setSplitLines(false);
    return options;
  }

  /** The options {@link #render} writes YAML with (for tests that compare the two paths; do not change them). */
  static DumperOptions yamlOptions() {
    return OPTIONS;
  }

  /** YAML (or JSON) from outside as plain values, read by the one policy for that ({@link SafeYaml}). */
  static Object parseYaml(byte[] bytes, SafeYaml.Limits limits) throws SafeYaml.Refused {
    return SafeYaml.load(new String(bytes, StandardCharsets.UTF_8), limits);
  }
}
