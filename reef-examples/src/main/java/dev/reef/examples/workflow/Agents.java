package dev.reef.examples.workflow;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Subscription;
import dev.reef.directory.AgentCard;
import dev.reef.directory.Registration;
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
    List<AutoCloseable> offers = new ArrayList<>();
    try {
      subscriptions.add(coordinator.start(channel));
      for (String name : List.of(AgentNames.WRITER, AgentNames.RESEARCHER, AgentNames.ANALYST)) {
        DemoAgent agent = create(name, conversation, settings);
        subscriptions.add(agent.start(channel));
        offers.add(offer(reef, channel, agent));
      }
      WorkflowResult result = coordinator.run(channel);
      reef.awaitIdle(SETTLE_TIMEOUT);
      return result;
    } finally {
      offers.forEach(Agents::closeQuietly);
      subscriptions.forEach(Subscription::close);
    }
  }

  /**
   * Serves an agent's tasks and registers its capabilities in the reef's directory (an agent
   * without capabilities is left alone).
   *
   * @param reef the agent's reef
   * @param channel the channel
   * @param agent the agent, already {@link DemoAgent#start started}
   * @return close it to stop serving and leave the directory
   */
  public static AutoCloseable offer(Reef reef, ReefChannel channel, DemoAgent agent) {
    if (agent.capabilities().isEmpty()) {
      return () -> {};
    }
    AutoCloseable serving = agent.serveTasks(channel);
    Registration registration =
        reef.directory()
            .register(
                channel.name(),
                AgentCard.builder(agent.name())
                    .kind("demo." + agent.name())
                    .capabilities(agent.capabilities())
                    .build());
    return () -> {
      registration.close();
      serving.close();
    };
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing the demo: nothing to do
    }
  }
}
