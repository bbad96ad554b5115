package dev.reef.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The code in docs/observability.md's tracing part is the compiled {@link TracingSetup}. */
class TracingDocsTest {
  @Test
  void theSetUpInTheDocsIsTheCompiledOne() throws IOException {
    String docs = Files.readString(Path.of("../docs/observability.md"));
    String source =
        Files.readString(Path.of("src/test/java/dev/reef/opentelemetry/TracingSetup.java"));
    String inDocs = between(docs, "<!-- otel:start -->\n```java\n", "```\n<!-- otel:end -->");
    String inSource = between(source, "// docs:otel:start\n", "    // docs:otel:end");
    assertThat(dedent(inDocs)).isEqualTo(dedent(inSource));
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  private static String dedent(String block) {
    List<String> lines =
        Arrays.stream(block.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toList());
    int indent =
        lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.substring(indent)).collect(Collectors.joining("\n"));
  }
}
