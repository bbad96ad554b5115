package dev.reef.examples.security;

import static dev.reef.examples.DocExcerpts.between;
import static dev.reef.examples.DocExcerpts.dedent;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SignedSporesTest {
  @Test
  void aliceIsVerifiedAndMalloryDeadLettered() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    var reasons = SignedSpores.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(reasons).containsExactly("unauthorized");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("bob handled {pay=10} from alice (broker user svc-alice, key alice-2026-12)")
        .contains("broker user 'mallory' may not send as 'alice'")
        .doesNotContain("bob handled {pay=10000}");
  }

  @Test
  void theExampleInDocsSecurityIsTheCompiledOne() throws IOException {
    String doc = Files.readString(Path.of("../docs/security.md"));
    String source =
        Files.readString(Path.of("src/main/java/dev/reef/examples/security/SignedSpores.java"));
    String inDoc = between(doc, "<!-- security:start -->\n```java\n", "```\n<!-- security:end -->");
    String inSource = between(source, "// docs:security:start\n", "      // docs:security:end");
    assertThat(dedent(inDoc)).isEqualTo(dedent(inSource));
  }
}
