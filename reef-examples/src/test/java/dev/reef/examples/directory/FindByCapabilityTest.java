package dev.reef.examples.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FindByCapabilityTest {
  @Test
  void theCoordinatorFindsItsResearcherAndAnalystByCapability() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    var names = FindByCapability.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(names).containsExactly("researcher", "analyst");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("found analyst (llm.analyst, [risk], ACTIVE)")
        .contains("found researcher (llm.researcher, [research, web], ACTIVE)")
        .contains("researcher answered: 3 sources found")
        .contains("analyst answered: risk: moderate")
        .contains("did not answer: []");
  }
}
