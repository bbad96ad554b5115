package dev.reef.examples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TrackedTaskTest {
  @Test
  void theTaskRunsOnTheCapabilitysAgentAndItsEventsArriveInOrder() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    var lines = TrackedTask.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(lines)
        .containsExactly(
            "SUBMITTED 0%",
            "STARTED 0%",
            "PROGRESS 100%",
            "PROGRESS 100%",
            "PROGRESS 100%",
            "WARNING 100%",
            "COMPLETED 100%");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("result: {summary=3 parts, all read}");
  }

  @Test
  void theSnippetInDocsTasksMdIsThisCompiledCode() throws Exception {
    String doc = Files.readString(Path.of("../docs/tasks.md"));
    String source =
        Files.readString(Path.of("src/main/java/dev/reef/examples/tasks/TrackedTask.java"));
    String inDoc = between(doc, "<!-- tasks:start -->\n```java\n", "```\n<!-- tasks:end -->");
    String inSource = between(source, "// DOCS:tasks:start\n", "      // DOCS:tasks:end");
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
    int indent =
        Arrays.stream(block.split("\n"))
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return Arrays.stream(block.split("\n"))
        .map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
        .collect(Collectors.joining("\n"));
  }
}
