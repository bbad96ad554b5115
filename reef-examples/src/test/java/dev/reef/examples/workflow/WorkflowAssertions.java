package dev.reef.examples.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.SporeType;
import dev.reef.examples.workflow.ConversationEvent.Kind;
import java.util.List;
import java.util.function.Predicate;

/**
 * The spores one run of the workflow must show, checked on the events recorded by every agent (of
 * one process or merged from several): who asked whom, the broadcasts and who got them, the replies
 * and what they answer, the summary and the completion notice.
 */
public final class WorkflowAssertions {
  private WorkflowAssertions() {}

  /**
   * Asserts the whole conversation of a run.
   *
   * @param events every agent's events
   * @param run the run id
   */
  public static void assertCompleteRun(List<ConversationEvent> events, String run) {
    List<ConversationEvent> ofRun =
        events.stream().filter(e -> run.equals(e.knowledgeText("run"))).toList();

    // The coordinator asked the researcher and the analyst (gather), and each got the request once.
    ConversationEvent toResearcher =
        one(
            ofRun,
            received(AgentNames.RESEARCHER, SporeType.REQUEST, AgentNames.COORDINATOR)
                .and(e -> "investigate".equals(e.knowledgeText("task"))));
    ConversationEvent toAnalyst =
        one(
            ofRun,
            received(AgentNames.ANALYST, SporeType.REQUEST, AgentNames.COORDINATOR)
                .and(e -> "investigate".equals(e.knowledgeText("task"))));
    assertThat(toResearcher.to()).isEqualTo(AgentNames.RESEARCHER);
    assertThat(toAnalyst.to()).isEqualTo(AgentNames.ANALYST);

    // Each investigator broadcast one finding to the whole channel ...
    for (String investigator : List.of(AgentNames.RESEARCHER, AgentNames.ANALYST)) {
      ConversationEvent finding =
          one(
              ofRun,
              sent(investigator, SporeType.BROADCAST)
                  .and(e -> "finding".equals(e.knowledgeText("kind"))));
      assertThat(finding.to()).isNull();
      assertThat(finding.priority()).isEqualTo(Investigator.FINDING_PRIORITY);
      // ... which every other agent received exactly once, and the sender not at all.
      for (String other : AgentNames.ALL) {
        long copies =
            ofRun.stream()
                .filter(e -> e.kind() == Kind.RECEIVED && e.agent().equals(other))
                .filter(e -> e.id().equals(finding.id()))
                .count();
        assertThat(copies)
            .as("copies of %s's finding received by %s", investigator, other)
            .isEqualTo(other.equals(investigator) ? 0 : 1);
      }
      // The investigator replied to the coordinator's request, naming the finding.
      ConversationEvent request =
          investigator.equals(AgentNames.RESEARCHER) ? toResearcher : toAnalyst;
      ConversationEvent reply =
          one(ofRun, received(AgentNames.COORDINATOR, SporeType.RESPONSE, investigator));
      assertThat(reply.to()).isEqualTo(AgentNames.COORDINATOR);
      assertThat(reply.replyTo()).isEqualTo(request.id());
      assertThat(reply.knowledgeText("finding")).isEqualTo(finding.id());
    }

    // The coordinator asked the writer for the summary; the writer answered it from both findings.
    ConversationEvent summarize =
        one(
            ofRun,
            received(AgentNames.WRITER, SporeType.REQUEST, AgentNames.COORDINATOR)
                .and(e -> "summarize".equals(e.knowledgeText("task"))));
    ConversationEvent summary =
        one(ofRun, received(AgentNames.COORDINATOR, SporeType.RESPONSE, AgentNames.WRITER));
    assertThat(summary.replyTo()).isEqualTo(summarize.id());
    assertThat(summary.knowledge().get("based_on"))
        .isEqualTo(List.of(AgentNames.RESEARCHER, AgentNames.ANALYST));
    assertThat(summary.knowledge().get("missing")).isEqualTo(List.of());
    assertThat(summary.knowledgeText("summary"))
        .contains("durable mailboxes keep spores")
        .contains("rates the risk medium");

    // Finally everyone but the coordinator got the completion notice.
    ConversationEvent notice = one(ofRun, sent(AgentNames.COORDINATOR, SporeType.NOTIFICATION));
    assertThat(notice.knowledgeText("event")).isEqualTo("workflow-complete");
    for (String agent : List.of(AgentNames.RESEARCHER, AgentNames.ANALYST, AgentNames.WRITER)) {
      one(ofRun, received(agent, SporeType.NOTIFICATION, AgentNames.COORDINATOR));
    }

    // Nobody received any spore twice.
    for (String agent : AgentNames.ALL) {
      List<String> ids =
          ofRun.stream()
              .filter(e -> e.kind() == Kind.RECEIVED && e.agent().equals(agent))
              .map(ConversationEvent::id)
              .toList();
      assertThat(ids).as("spores received by %s", agent).doesNotHaveDuplicates();
    }
  }

  private static Predicate<ConversationEvent> received(String agent, SporeType type, String from) {
    return e ->
        e.kind() == Kind.RECEIVED
            && e.agent().equals(agent)
            && e.type() == type
            && e.from().equals(from);
  }

  private static Predicate<ConversationEvent> sent(String agent, SporeType type) {
    return e -> e.kind() == Kind.SENT && e.agent().equals(agent) && e.type() == type;
  }

  private static ConversationEvent one(
      List<ConversationEvent> events, Predicate<ConversationEvent> p) {
    List<ConversationEvent> matches = events.stream().filter(p).toList();
    assertThat(matches).as("matching events among %s", events).hasSize(1);
    return matches.get(0);
  }
}
