package dev.reef.directory;

/**
 * One live instance of an agent in the directory ({@link AgentDirectory#register(String,
 * AgentCard)}). While open it renews its lease. Closing it writes a leave record, so that other
 * processes see the instance gone at once; the card and the mailbox stay. Idempotent.
 */
public interface Registration extends AutoCloseable {
  /**
   * The channel.
   *
   * @return the channel name
   */
  String channel();

  /**
   * The instance id Reef chose for this registration.
   *
   * @return a UUID string
   */
  String instanceId();

  /**
   * The current card.
   *
   * @return the card
   */
  AgentCard card();

  /**
   * Replaces the card (the name must stay).
   *
   * @param card the new card
   * @throws IllegalArgumentException if the card names another agent
   * @throws AgentTerminatedException if the agent was terminated
   */
  void update(AgentCard card);

  /**
   * Whether the agent was terminated while this registration was open. A terminated registration no
   * longer renews.
   *
   * @return true once terminated
   */
  boolean terminated();

  /**
   * Runs an action when the agent is terminated (at once if it already was), on the directory's
   * event thread: the hook with which a reef stops consuming the agent's mailbox.
   *
   * @param action what to run; must not block for long
   */
  void onTerminated(Runnable action);

  /** Leaves: stops renewing and writes a leave record. */
  @Override
  void close();
}
