package dev.reef.amqp;

/**
 * Notices about the broker that are not about one spore, for applications that want to react (an
 * alert, a pause of their producers): set with {@link AmqpBackend.Builder#brokerListener}. Each is
 * also logged and counted in the reef's stats ({@link dev.reef.SporeEvent#BROKER_BLOCKED}, {@link
 * dev.reef.SporeEvent#MAILBOX_DELETED}). Called on a backend callback thread, never the
 * connection's I/O thread; a method that throws is logged and ignored. Every method does nothing by
 * default.
 */
public interface BrokerListener {
  /** Ignores everything. */
  BrokerListener NONE = new BrokerListener() {};

  /**
   * The broker blocks this backend's publishing connection (RabbitMQ flow control: a memory or disk
   * alarm). Until {@link #onUnblocked()}, publishes fail at once with {@link
   * BrokerBlockedException}.
   *
   * @param reason the broker's reason, for example {@code low on memory}
   */
  default void onBlocked(String reason) {}

  /** The broker accepts publishes again. */
  default void onUnblocked() {}

  /**
   * A mailbox this backend consumes was deleted under its consumer; it is declared and consumed
   * again (empty: its spores went with it).
   *
   * @param channel the reef channel
   * @param agent the agent
   */
  default void onMailboxDeleted(String channel, String agent) {}

  /**
   * The broker closed one of the channels this backend's mailboxes share for consuming (a channel
   * error: for example a consume refused for want of read permission on one mailbox queue); the
   * other mailboxes on it are consumed again on another channel at once. What they had received and
   * not yet acknowledged is delivered again.
   *
   * @param reason the broker's reason, for example {@code ACCESS_REFUSED - access to queue ...}
   * @param mailboxes how many mailboxes were on that channel and are re-attached
   */
  default void onConsumerChannelLost(String reason, int mailboxes) {}
}
