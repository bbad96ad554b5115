package dev.reef.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.examples.workflow.WorkflowResult;
import dev.reef.examples.workflow.WorkflowSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void theInMemoryDemoPrintsAReadableConversationAndASummary() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WorkflowSettings settings =
        new WorkflowSettings(
            "demo-test", WorkflowSettings.DEFAULT_TOPIC, "abcd1234", Duration.ofSeconds(20));
    WorkflowResult result;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      // An empty environment selects the in-memory backend.
      result = Demo.run(settings, Map.of(), out);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(result.ok()).as(printed).isTrue();
    assertThat(printed)
        .contains("channel 'demo-test' (in-memory backend), run abcd1234")
        .containsPattern("coordinator -> researcher +request +p5 +task=investigate")
        .containsPattern("coordinator -> analyst +request +p5 +task=investigate")
        .containsPattern("researcher +-> \\* +broadcast +p7 +kind=finding")
        .containsPattern("analyst +-> \\* +broadcast +p7 +kind=finding")
        .containsPattern("researcher +-> coordinator +response .*\\(answered in \\d+ ms\\)")
        .containsPattern("writer +-> coordinator +response +p5 +summary=On durable messaging")
        .containsPattern(
            "coordinator submits task fact-check \\(4 claims of the summary\\) to any live agent"
                + " with capability 'fact-check'")
        .contains("researcher started task fact-check")
        .containsPattern("researcher +fact-check \\[#{1,3}\\.+\\] +\\d+%  checking claim 1 of 4")
        .containsPattern(
            "researcher +fact-check \\[#{20}\\] 100%  claim 4 not in the researcher's sources")
        .containsPattern("task fact-check completed by researcher in \\d+ ms")
        .containsPattern(
            "coordinator: 3 of 4 claims supported by the researcher's sources \\(task [^)]+\\)")
        .containsPattern("coordinator -> \\* +notification +p2 +event=workflow-complete")
        .contains("run abcd1234 completed in")
        .containsPattern("writer +sent 1 \\(1 response\\) +received 4")
        .contains("writer's summary:")
        .contains("the researcher found that durable mailboxes keep spores")
        .contains("The analyst rates the risk medium");
    // The progress lines come in order, after the summary and before the completion notice.
    int summary = printed.indexOf("writer      -> coordinator");
    int first = printed.indexOf("checking claim 1 of 4");
    int last = printed.indexOf("claim 4 not in the researcher's sources");
    int complete = printed.indexOf("event=workflow-complete");
    assertThat(summary).isPositive().isLessThan(first);
    assertThat(first).isLessThan(last);
    assertThat(last).isLessThan(complete);
  }
}
