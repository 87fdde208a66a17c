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
  private static final ThreadLocal<Yaml> YAML = ThreadLocal.withInitial(() -> {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setDereferenceAliases(true);
    options.setSplitLines(false);
    return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options);
  });

  private Render() {}

  public static byte[] render(Object document, Format format) {
    if (format == Format.JSON) {
      try {
        return JSON.writeValueAsBytes(document);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
      }
    }
    return YAML.get().dump(document).getBytes(StandardCharsets.UTF_8);
  }

  /** YAML (or JSON) from outside as plain values, read by the one policy for that ({@link SafeYaml}). */
  static Object parseYaml(byte[] bytes, SafeYaml.Limits limits) throws SafeYaml.Refused {
    return SafeYaml.load(new String(bytes, StandardCharsets.UTF_8), limits);
  }
}
