package dev.reef.examples.workflow;

import java.util.List;
import java.util.Map;

/** Collects facts on the topic, broadcasts them as a finding and reports back. Thread-safe. */
public final class Researcher extends Investigator {

  /**
   * A researcher.
   *
   * @param conversation where it records what it sends and receives
   */
  public Researcher(Conversation conversation) {
    super(AgentNames.RESEARCHER, conversation);
  }

  @Override
  Map<String, Object> finding(String topic) {
    return Map.of(
        "facts",
        List.of(
            "durable mailboxes keep spores while an agent is offline",
            "acknowledging after the handler turns a crash into a redelivery",
            "priorities let urgent requests overtake a backlog"),
        "sources",
        3);
  }

  @Override
  Map<String, Object> status(Map<String, Object> finding) {
    return Map.of("facts", Knowledge.strings(finding, "facts").size());
  }
}
