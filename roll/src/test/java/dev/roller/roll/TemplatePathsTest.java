package dev.roller.roll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roller.host.HostLayout;
import dev.roller.pkg.render.TemplateContext;
import dev.roller.roll.generation.GenerationBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The paths the config server predicts with are the ones roll renders with on a real host. */
class TemplatePathsTest {
  @Test
  void aRealHostsPathsAreTheOnesTheServerPredictsWith() {
    assertEquals(TemplateContext.Paths.HOST, GenerationBuilder.paths(new HostLayout(Path.of("/"))));
  }
}
