package dev.reef.directory;

import dev.reef.spi.DirectoryStore;
import java.util.List;
import java.util.Optional;

/**
 * The agent directory: agents register on a channel with a card, other processes discover them by
 * kind or capability, see their instances come and go (leases), ask for their status, and can
 * terminate them for good.
 *
 * <p>The directory is a log of JSON records kept by a {@link DirectoryStore} (in the broker on
 * RabbitMQ, so a process that starts later, or after a broker restart, sees what was registered).
 * Each process folds the log into a local view: {@link #discover} and {@link #lookup} are served
 * from memory, never a round trip. The first use of a channel reads its history and waits until it
 * has caught up.
 *
 * <p>Thread-safety: thread-safe. Lifecycle: {@link #close()} leaves every open registration (it
 * never terminates an agent) and closes the store.
 */
public interface AgentDirectory extends AutoCloseable {

  /**
   * A directory on a store with default options.
   *
   * @param store the store; the directory closes it
   * @return the directory
   */
  static AgentDirectory create(DirectoryStore store) {
    return create(store, DirectoryOptions.ofDefaults());
  }

  /**
   * A directory on a store.
   *
   * @param store the store; the directory closes it
   * @param options the options
   * @return the directory
   */
  static AgentDirectory create(DirectoryStore store, DirectoryOptions options) {
    return new DefaultAgentDirectory(store, options);
  }

  /**
   * Registers a live instance of an agent with its card. A later registration of the same agent
   * (from any process) replaces the card; several open registrations are several instances. Returns
   * once the card and the lease are in the store and in this process's view.
   *
   * @param channel a valid channel name
   * @param card the card
   * @return the registration; close it to leave
   * @throws AgentTerminatedException if the agent was terminated and not revived
   * @throws dev.reef.ReefException if the store did not take the records in time
   */
  Registration register(String channel, AgentCard card);

  /**
   * The cards matching a query, with their state and live instances, by name. Served from the local
   * view.
   *
   * @param channel a valid channel name
   * @param query the query
   * @return an immutable list, sorted by agent name
   */
  List<DirectoryEntry> discover(String channel, DirectoryQuery query);

  /**
   * The entry of one agent, from the local view.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return the entry, or empty if no card is known
   */
  Optional<DirectoryEntry> lookup(String channel, String agent);

  /**
   * The status of an agent: the state from the view, the mailbox depth and consumers from the
   * transport (one round trip on RabbitMQ).
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return the status
   */
  AgentStatus status(String channel, String agent);

  /**
   * Watches a channel. The listener first receives a {@link DirectoryEventType#JOINED} event for
   * each live instance already known, then every change.
   *
   * @param channel a valid channel name
   * @param listener the listener
   * @return closing it stops the events
   */
  AutoCloseable watch(String channel, DirectoryListener listener);

  /**
   * Terminates an agent for good: writes a durable termination record. Every process sees it as
   * {@link AgentState#TERMINATED}; its registrations stop renewing; registering it again fails
   * until {@link #revive(String, String)}. A no-op if the agent is already terminated.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   */
  void terminate(String channel, String agent);

  /**
   * Allows a terminated agent's name to be registered again (writes a durable revival record).
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   */
  void revive(String channel, String agent);

  /**
   * Whether an agent is terminated, from the local view (no round trip): the check for sends.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return true if terminated
   */
  boolean isTerminated(String channel, String agent);

  /**
   * Whether an agent is terminated, as far as this directory already knows: answered from the view
   * of a channel the directory follows, and false for a channel it does not follow yet (never reads
   * a history). The check of a reef's sends ({@link dev.reef.Reef#directory()}).
   *
   * @param channel a channel name
   * @param agent an agent name
   * @return true if the directory follows the channel and the agent is terminated there
   */
  default boolean isKnownTerminated(String channel, String agent) {
    return isTerminated(channel, agent);
  }

  /**
   * Records read that were not valid directory records (written by a foreign or broken process):
   * ignored, and counted here.
   *
   * @return the count since this directory was created
   */
  long malformedRecords();

  /** Leaves every open registration, stops following and closes the store. Idempotent. */
  @Override
  void close();
}
