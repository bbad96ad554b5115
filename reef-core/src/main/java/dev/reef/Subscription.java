package dev.reef;

/**
 * One handler attached to an agent's mailbox. Closing it removes this handler; when the agent has
 * no handler left, the reef stops consuming the mailbox (the mailbox and its waiting spores stay).
 * Idempotent and thread-safe.
 */
public interface Subscription extends AutoCloseable {
  /**
   * The channel.
   *
   * @return the channel name
   */
  String channel();

  /**
   * The agent.
   *
   * @return the agent name
   */
  String agent();

  /**
   * Completes when this handler is removed: normally when it is closed, replaced ({@link
   * SubscribeMode#REPLACE}), unsubscribed or its reef closes; exceptionally with {@link
   * dev.reef.directory.AgentTerminatedException} when the agent was terminated through the reef's
   * directory (its handlers are then removed by the reef).
   *
   * @return a stage of the end; read-only
   */
  java.util.concurrent.CompletionStage<Void> ended();

  /** Removes this handler. */
  @Override
  void close();
}
