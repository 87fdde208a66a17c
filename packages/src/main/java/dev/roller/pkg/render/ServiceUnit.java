package dev.roller.pkg.render;

import dev.roller.pkg.manifest.HealthCheck;
import java.time.Duration;

/**
 * A service as roll runs it: the manifest's service with every string rendered for one host.
 * {@code reload} and {@code health} may be null.
 */
public record ServiceUnit(String name, String run, Duration stopTimeout, String reload, HealthCheck health) {
  public ServiceUnit {
    dev.roller.repo.model.NameRule.PACKAGE.require(name);
  }
}
