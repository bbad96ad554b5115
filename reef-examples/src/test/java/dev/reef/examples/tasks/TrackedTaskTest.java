package dev.reef.examples.tasks;

import static dev.reef.examples.DocExcerpts.between;
import static dev.reef.examples.DocExcerpts.dedent;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
