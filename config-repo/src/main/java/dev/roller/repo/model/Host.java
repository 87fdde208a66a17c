package dev.roller.repo.model;

import java.util.Map;

/**
 * A host: {@code hosts/<fqdn>.yml}. Its params have the highest precedence; its packages pin
 * versions over the hostclass's (a canary) or add packages. {@code key} (null when the file has
 * none) is the host's own public key (DESIGN §9): its reports are accepted only when signed by it.
 */
public record Host(
    String name,
    String hostclass,
    String datacenter,
    Map<String, Object> params,
    Map<String, String> packages,
    String key,
    Origin origin) {
  public Host {
    params = Params.copyOf(params);
    packages = Params.copyOf(packages);
  }
}
