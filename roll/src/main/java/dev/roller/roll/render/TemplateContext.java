package dev.roller.roll.render;

import dev.roller.host.HostLayout;
import dev.roller.repo.spec.Spec;
import dev.roller.repo.spec.SpecCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What templates and manifest strings see (DESIGN §3): {@code host} (name, hostclass,
 * datacenter), {@code params}, {@code packages} (name to version), {@code peers} (hostclass to a
 * list of name and params), {@code commit}, and {@code paths} (root, usr_local, log, run: absolute
 * paths on this host, under {@code --root} when given).
 */
public final class TemplateContext {
  private TemplateContext() {}

  public static Map<String, Object> of(Spec spec, HostLayout layout) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("host", Map.of("name", spec.host(), "hostclass", spec.hostclass(), "datacenter", spec.datacenter()));
    context.put("params", spec.params());
    context.put("packages", spec.versions());
    context.put("peers", SpecCodec.peers(spec.peers()));
    context.put("commit", spec.commit() == null ? "" : spec.commit());
    context.put("paths", Map.of(
        "root", layout.root().toString(),
        "usr_local", layout.usrLocal().toString(),
        "log", layout.log().toString(),
        "run", layout.run().toString()));
    return context;
  }
}
