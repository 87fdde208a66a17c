package dev.roller.repo.spec;

import java.util.Map;

/** A host of a peer hostclass in the same datacenter, with its merged params. */
public record Peer(String name, Map<String, Object> params) {
  public Peer {
    params = dev.roller.repo.model.Params.copyOf(params);
  }
}
