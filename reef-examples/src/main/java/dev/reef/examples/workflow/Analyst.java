package dev.reef.examples.workflow;

import java.util.Map;

/** Weighs the topic's risk, broadcasts an assessment as a finding and reports back. Thread-safe. */
public final class Analyst extends Investigator {

  /**
   * An analyst.
   *
   * @param conversation where it records what it sends and receives
   */
  public Analyst(Conversation conversation) {
    super(AgentNames.ANALYST, conversation);
  }

  @Override
  Map<String, Object> finding(String topic) {
    return Map.of(
        "risk",
        "medium",
        "confidence",
        0.8,
        "recommendation",
        "use acknowledged durable mailboxes and keep handlers idempotent");
  }

  @Override
  Map<String, Object> status(Map<String, Object> finding) {
    return Map.of("risk", finding.get("risk"));
  }
}
