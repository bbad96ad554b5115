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

  /** Removes this handler. */
  @Override
  void close();
}
