package dev.roller.examples;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** An example service's rendered config: a properties file (repeated keys read with {@link #all}). */
final class Config {
  private final Properties properties = new Properties();
  private final List<String[]> lines = new ArrayList<>();

  Config(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        lines.add(new String[] {line.substring(0, eq).strip(), line.substring(eq + 1).strip()});
      }
    }
  }

  String get(String key) {
    String value = properties.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException("missing '" + key + "' in the config file");
    }
    return value;
  }

  List<String> all(String key) {
    return lines.stream().filter(l -> l[0].equals(key)).map(l -> l[1]).toList();
  }
}
