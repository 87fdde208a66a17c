package dev.roller.repo;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (root, a tool). On a developer's machine a test whose need is
 * not met is skipped; under CI ({@code CI=true}, where .ci/run installs everything) it fails, so a
 * missing install step can never pass as green.
 */
public final class Needs {
  private Needs() {}

  public static void require(boolean met, String what) {
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(met, "CI must provide: " + what);
    } else {
      assumeTrue(met, what);
    }
  }
}
