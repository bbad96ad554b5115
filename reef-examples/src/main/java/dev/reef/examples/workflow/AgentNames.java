package dev.reef.examples.workflow;

import java.util.List;

/** The names of the demo's agents. */
public final class AgentNames {
  /** Asks the others and assembles the result. */
  public static final String COORDINATOR = "coordinator";

  /** Collects facts and broadcasts them. */
  public static final String RESEARCHER = "researcher";

  /** Weighs risks and broadcasts an assessment. */
  public static final String ANALYST = "analyst";

  /** Listens to the findings and writes the summary. */
  public static final String WRITER = "writer";

  /** Every agent of the demo, coordinator first. */
  public static final List<String> ALL = List.of(COORDINATOR, RESEARCHER, ANALYST, WRITER);

  private AgentNames() {}
}
