package dev.reef.examples.workflow;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Creates the demo's agents by name, and runs the whole workflow in one process. */
public final class Agents {
  /** How long {@link #runAll} waits for the agents to handle the last spores: 10 s. */
  public static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

  private Agents() {}

  /**
   * Creates one agent.
   *
   * @param name one of {@link AgentNames#ALL}
   * @param conversation where the agent records what it sends and receives
   * @param settings the run (used by the coordinator)
   * @return the agent
   * @throws IllegalArgumentException if the name is not one of the demo's agents
   */
  public static DemoAgent create(
      String name, Conversation conversation, WorkflowSettings settings) {
    return switch (name) {
      case AgentNames.COORDINATOR -> new Coordinator(conversation, settings);
      case AgentNames.RESEARCHER -> new Researcher(conversation);
      case AgentNames.ANALYST -> new Analyst(conversation);
      case AgentNames.WRITER -> new Writer(conversation);
      default ->
          throw new IllegalArgumentException(
              "unknown agent '" + name + "'; expected one of " + AgentNames.ALL);
    };
  }

  /**
   * Runs every agent of the workflow on the settings' channel of this process's reef, runs the
   * workflow once, waits (up to {@link #SETTLE_TIMEOUT}) until the agents handled what is left in
   * their mailboxes (the completion notice), and detaches them again.
   *
   * @param reef the reef (in memory or AMQP: the code is the same)
   * @param settings the run
   * @param conversation where the agents record what they send and receive
   * @return the coordinator's result
   * @throws InterruptedException if interrupted while waiting
   */
  public static WorkflowResult runAll(
      Reef reef, WorkflowSettings settings, Conversation conversation) throws InterruptedException {
    ReefChannel channel = reef.channel(settings.channel());
    Coordinator coordinator = new Coordinator(conversation, settings);
    List<Subscription> subscriptions = new ArrayList<>();
    try {
      subscriptions.add(coordinator.start(channel));
      for (String name : List.of(AgentNames.WRITER, AgentNames.RESEARCHER, AgentNames.ANALYST)) {
        subscriptions.add(create(name, conversation, settings).start(channel));
      }
      WorkflowResult result = coordinator.run(channel);
      reef.awaitIdle(SETTLE_TIMEOUT);
      return result;
    } finally {
      subscriptions.forEach(Subscription::close);
    }
  }
}
