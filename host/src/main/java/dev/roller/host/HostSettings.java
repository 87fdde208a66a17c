package dev.roller.host;

import dev.roller.host.HostLayout;
import dev.roller.repo.model.Durations;
import dev.roller.repo.model.NameRule;
import dev.roller.repo.parse.Fields;
import dev.roller.repo.parse.Problems;
import dev.roller.repo.parse.YamlDocument;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * This host's settings, the same for roll and foreman: the command line over {@code
 * ROLLER_CONFIG_SERVER} over {@code /etc/roller/roll.yml} (under {@code --root}):
 *
 * <pre>
 * config_servers: [http://config1.dc1:8080, http://config2.dc1:8080]   # or one URL
 * host: web1.dc1.example.com        # default: this machine's FQDN
 * service_manager: auto             # exec, systemd, or auto (systemd where it runs)
 * wait: 9m                          # roll apply long-polls its spec this long first (default: 0, no wait)
 * trust: [ed25519:MCowBQYDK2VwAyEA...]   # the config servers' signing keys (several: a rotation)
 * max_age: 7d                       # with trust: an answer issued longer ago is refused
 * ca: /etc/roller/ca.pem            # HTTPS servers checked against this CA, not the system's
 * </pre>
 *
 * <p>With {@code trust}, every spec and users answer must be signed by one of those keys
 * (DESIGN §9); without it, answers are not verified.
 */
public record HostSettings(HostLayout layout, List<URI> servers, String host, String serviceManager, Duration longPoll,
    List<String> trust, Duration maxAge, Path ca) {
  /** How old a signed answer may be, unless max_age says otherwise. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
  public static final String ENV_SERVERS = "ROLLER_CONFIG_SERVER";
  static final List<String> MANAGERS = List.of("auto", "exec", "systemd");
  static final List<String> KEYS = List.of("config_servers", "host", "service_manager", "wait", "trust", "max_age", "ca");
  static final java.util.Set<String> LISTS = java.util.Set.of("config_servers", "trust");

  /** A setting that cannot be used: exit 2, naming the file and line or the option. */
  public static final class SettingsException extends Exception {
    SettingsException(String message) {
      super(message);
    }
  }

  /**
   * The settings of the host under {@code root}; {@code cliServers} and {@code cliHost} (null: not
   * given) are the command line's. Without {@code needServers}, no config server is fine.
   */
  public static HostSettings resolve(Path root, List<String> cliServers, String cliHost, Map<String, String> env, boolean needServers)
      throws SettingsException {
    HostLayout layout = new HostLayout(root);
    Map<String, Object> file = readFile(layout.config());
    List<String> servers = new ArrayList<>();
    String source;
    if (cliServers != null && !cliServers.isEmpty()) {
      for (String s : cliServers) {
        servers.addAll(split(s));
      }
      source = "--config-server";
    } else if (env.get(ENV_SERVERS) != null && !env.get(ENV_SERVERS).isBlank()) {
      servers.addAll(split(env.get(ENV_SERVERS)));
      source = ENV_SERVERS;
    } else {
      @SuppressWarnings("unchecked")
      List<String> fromFile = (List<String>) file.getOrDefault("config_servers", List.of());
      servers.addAll(fromFile);
      source = layout.config().toString();
    }
    List<URI> uris = new ArrayList<>();
    for (String s : new LinkedHashSet<>(servers)) {
      uris.add(uri(s, source));
    }
    if (needServers && uris.isEmpty()) {
      throw new SettingsException("no config server: give --config-server URL, set " + ENV_SERVERS
          + ", or list config_servers in " + layout.config());
    }
    String host = cliHost != null ? cliHost : (String) file.get("host");
    if (host == null) {
      host = fqdn();
    }
    if (!NameRule.HOST.matches(host)) {
      throw new SettingsException(NameRule.HOST.problem(host)
          + (cliHost == null && file.get("host") == null ? " (it is this machine's name; give --host FQDN)" : ""));
    }
    String manager = (String) file.getOrDefault("service_manager", "auto");
    Duration wait = file.get("wait") == null ? Duration.ZERO : Durations.parse((String) file.get("wait"));
    @SuppressWarnings("unchecked")
    List<String> trustText = (List<String>) file.getOrDefault("trust", List.of());
    List<String> trust = List.copyOf(trustText); // each checked by keyProblem when read
    Duration maxAge = file.get("max_age") == null ? DEFAULT_MAX_AGE : Durations.parse((String) file.get("max_age"));
    String caText = (String) file.get("ca");
    // An absolute path is the host's: under --root for a scratch host.
    Path ca = caText == null ? null : caText.startsWith("/") ? layout.root().resolve(caText.substring(1))
        : layout.config().resolveSibling(caText);
    return new HostSettings(layout, uris, host, manager, wait, trust, maxAge, ca);
  }

  /** Sockets checking HTTPS servers against {@code ca:}, or null for the system's CAs; an IOException names the file. */
  public javax.net.ssl.SSLSocketFactory tls() throws java.io.IOException {
    return ca == null ? null : Tls.trusting(ca);
  }

  /** The service manager to use: exec or systemd ({@code auto}: systemd where it runs and roll works on the real root). */
  public String manager() {
    if (!serviceManager.equals("auto")) {
      return serviceManager;
    }
    boolean realRoot = layout.root().equals(Path.of("/"));
    return realRoot && Files.isDirectory(Path.of("/run/systemd/system")) ? "systemd" : "exec";
  }

  private static Map<String, Object> readFile(Path path) throws SettingsException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new SettingsException("cannot read " + path + ": " + e.getMessage());
    }
    Map<String, Object> plain = plain(new String(bytes, StandardCharsets.UTF_8));
    if (plainUsable(plain)) {
      return plain;
    }
    return readYaml(bytes, path.toString());
  }

  /** Whether the plain reading may stand (values it cannot check itself are YAML's to report, with their line). */
  static boolean plainUsable(Map<String, Object> plain) {
    if (plain == null || !MANAGERS.contains(plain.getOrDefault("service_manager", "auto")) || duration(plain.get("wait")) == null
        || duration(plain.get("max_age")) == null) {
      return false;
    }
    for (Object key : (List<?>) plain.getOrDefault("trust", List.of())) {
      if (keyProblem(String.valueOf(key)) != null) {
        return false;
      }
    }
    return true;
  }

  /** roll.yml read without YAML when it is written plainly (null otherwise). */
  static Map<String, Object> plain(String text) {
    return PlainSettings.read(text, KEYS, LISTS);
  }

  private static String keyProblem(String key) {
    return dev.roller.repo.trust.Keys.problem(key);
  }

  /** roll.yml read as YAML, every mistake named with its line. */
  static Map<String, Object> readYaml(byte[] bytes, String path) throws SettingsException {
    Problems problems = new Problems(path);
    Map<String, Object> out = new HashMap<>();
    Optional<MappingNode> doc = YamlDocument.parse(bytes, problems);
    if (doc.isPresent()) {
      Fields fields = new Fields(doc.get(), new LinkedHashSet<>(KEYS), problems, new HashMap<>());
      fields.node("config_servers").ifPresent(node -> out.put("config_servers", list(node, "config_servers", "URLs", problems)));
      String host = fields.optionalText("host", null);
      if (host != null) {
        out.put("host", host);
      }
      String manager = fields.optionalText("service_manager", null);
      if (manager != null) {
        if (!MANAGERS.contains(manager)) {
          problems.add(fields.line("service_manager"), "service_manager must be one of " + MANAGERS + ", not "
              + NameRule.quote(manager));
        }
        out.put("service_manager", manager);
      }
      fields.node("trust").ifPresent(node -> {
        List<String> keys = list(node, "trust", "keys (ed25519:<base64>)", problems);
        for (int i = 0; i < keys.size(); i++) {
          String problem = keyProblem(keys.get(i));
          if (problem != null) {
            problems.add(node instanceof SequenceNode seq && i < seq.getValue().size() ? Fields.line(seq.getValue().get(i))
                : Fields.line(node), "trust: " + problem);
          }
        }
        out.put("trust", keys);
      });
      String maxAge = fields.optionalText("max_age", null);
      if (maxAge != null) {
        if (duration(maxAge) == null) {
          problems.add(fields.line("max_age"), "max_age must be a duration such as 7d or 12h, not " + NameRule.quote(maxAge));
        }
        out.put("max_age", maxAge);
      }
      String ca = fields.optionalText("ca", null);
      if (ca != null) {
        out.put("ca", ca);
      }
      String wait = fields.optionalText("wait", null);
      if (wait != null) {
        if (duration(wait) == null) {
          problems.add(fields.line("wait"), "wait must be a duration such as 9m or 30s, not " + NameRule.quote(wait));
        }
        out.put("wait", wait);
      }
    }
    if (!problems.isEmpty()) {
      throw new SettingsException(problems.list().get(0).toString());
    }
    return out;
  }

  /** {@code value} as a duration; ZERO when absent, null when it is not one. */
  private static Duration duration(Object value) {
    if (value == null) {
      return Duration.ZERO;
    }
    try {
      return Durations.parse(String.valueOf(value));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** One value or a list of them, under {@code key}. */
  private static List<String> list(Node node, String key, String what, Problems problems) {
    List<String> out = new ArrayList<>();
    if (node instanceof ScalarNode s) {
      out.add(s.getValue());
    } else if (node instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        if (item instanceof ScalarNode s) {
          out.add(s.getValue());
        } else {
          problems.add(Fields.line(item), key + ": expected " + what + ", got " + Fields.kind(item));
        }
      }
    } else {
      problems.add(Fields.line(node), key + ": expected one or a list of " + what + ", got " + Fields.kind(node));
    }
    return out;
  }

  /** URLs separated by commas or white space (read by hand: a regex costs a no-op roll a few ms). */
  static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= list.length(); i++) {
      boolean separator = i == list.length() || list.charAt(i) == ',' || Character.isWhitespace(list.charAt(i));
      if (separator && start >= 0) {
        out.add(list.substring(start, i));
        start = -1;
      } else if (!separator && start < 0) {
        start = i;
      }
    }
    return out;
  }

  private static URI uri(String text, String source) throws SettingsException {
    try {
      URI uri = new URI(text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new URISyntaxException(text, "expected http://host[:port]");
      }
      String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), path.endsWith("/") ? path : path + "/", null, null);
    } catch (URISyntaxException e) {
      throw new SettingsException("config server " + NameRule.quote(text) + " (from " + source + ") is not a URL: "
          + e.getReason());
    }
  }

  private static String fqdn() throws SettingsException {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (IOException e) {
      throw new SettingsException("cannot tell this machine's name (" + e.getMessage() + "): give --host FQDN");
    }
  }
}
