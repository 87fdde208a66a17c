package dev.roller.pkg.manifest;

import java.util.List;

/**
 * A package's {@code .roller/package.yml}: its name and version, its services in start order and
 * its hooks. {@code activate} (may be null) runs after the switch, before services start.
 */
public record Manifest(String name, String version, String description, List<Service> services, String activate) {
  public static final String PATH = ".roller/package.yml";

  public Manifest {
    services = List.copyOf(services);
  }

  /** {@code <name>-<version>.tar.gz}. */
  public String tarballName() {
    return name + "-" + version + ".tar.gz";
  }
}
