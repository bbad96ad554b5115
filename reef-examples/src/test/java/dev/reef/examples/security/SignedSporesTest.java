package dev.reef.examples.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
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

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  private static String dedent(String block) {
    var lines =
        Arrays.stream(block.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toList());
    int indent =
        lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.substring(indent)).collect(Collectors.joining("\n"));
  }
}
