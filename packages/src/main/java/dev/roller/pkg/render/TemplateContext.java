package dev.roller.pkg.render;

import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What templates and manifest strings see (DESIGN §3): {@code host} (name, hostclass,
 * datacenter), {@code params}, {@code packages} (name to version), {@code peers} (hostclass to a
 * list of name and params), {@code commit}, and {@code paths} (root, usr_local, log, run: absolute
 * paths on the host, under {@code --root} when given).
 */
public final class TemplateContext {
  private TemplateContext() {}

  /** Where things are on the host a template is rendered for. */
  public record Paths(String root, String usrLocal, String log, String run) {
    /** A real host's (roll without {@code --root}): what the config server predicts with. */
    public static final Paths HOST = new Paths("/", "/usr/local", "/var/log/roller", "/var/lib/roller/run");
  }

  public static Map<String, Object> of(Spec spec, Paths paths) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("host", Map.of("name", spec.host(), "hostclass", spec.hostclass(), "datacenter", spec.datacenter()));
    context.put("params", spec.params());
    context.put("packages", spec.versions());
    context.put("peers", SpecCodec.peers(spec.peers()));
    context.put("commit", spec.commit() == null ? "" : spec.commit());
    context.put("paths", Map.of("root", paths.root(), "usr_local", paths.usrLocal(), "log", paths.log(), "run", paths.run()));
    return context;
  }
}
