package dev.roller.repo.model;

import java.util.Map;

/** A datacenter: {@code datacenters/<name>.yml}. Its params have the lowest precedence. */
public record Datacenter(String name, String description, Map<String, Object> params, Origin origin) {
  public Datacenter {
    params = Params.copyOf(params);
  }
}
