package dev.reef.examples.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkflowInMemoryTest {

  @Test
  void theWorkflowRunsInOneJvmWithTheExpectedSpores() throws Exception {
    WorkflowSettings settings =
        new WorkflowSettings(
            "research-test",
            "durable messaging",
            WorkflowSettings.newRunId(),
            Duration.ofSeconds(20));
    try (Conversation conversation = Conversation.printingTo(null);
        Reef reef = Reef.inMemory()) {
      WorkflowResult result = Agents.runAll(reef, settings, conversation);

      assertThat(result.failure()).isNull();
      assertThat(result.replies())
          .extracting(s -> s.fromAgent())
          .containsExactlyInAnyOrder(AgentNames.RESEARCHER, AgentNames.ANALYST);
      assertThat(result.summaryText()).startsWith("On durable messaging:");
      WorkflowAssertions.assertCompleteRun(conversation.events(), settings.runId());
    }
  }

  @Test
  void theWriterNamesMissingFindingsWhenAnInvestigatorNeverBroadcast() throws Exception {
    // Only the writer runs: asked for a summary of findings it never heard, it says so.
    try (Conversation conversation = Conversation.printingTo(null);
        Reef reef = Reef.inMemory()) {
      var channel = reef.channel("research-test");
      var writer = new Writer(conversation).start(channel);
      var answer =
          channel
              .ask(
                  AgentNames.COORDINATOR,
                  AgentNames.WRITER,
                  java.util.Map.of(
                      "task", "summarize",
                      "run", "r1",
                      "topic", "t",
                      "findings", java.util.List.of(AgentNames.RESEARCHER)),
                  Duration.ofSeconds(10))
              .get();
      writer.close();
      assertThat(answer.knowledge().get("based_on")).isEqualTo(java.util.List.of());
      assertThat(answer.knowledge().get("missing"))
          .isEqualTo(java.util.List.of(AgentNames.RESEARCHER));
      assertThat(answer.knowledge().get("summary").toString())
          .contains("No finding arrived from researcher");
    }
  }
}
