package dev.reef.spi;

/**
 * A consumer attached to a mailbox. Closing it stops deliveries to the consumer (in-flight ones
 * finish); the mailbox and its spores stay. Idempotent.
 */
public interface MailboxSubscription extends AutoCloseable {
  /**
   * The channel of the mailbox.
   *
   * @return the channel name
   */
  String channel();

  /**
   * The agent of the mailbox.
   *
   * @return the agent name
   */
  String agent();

  /** Detaches the consumer. */
  @Override
  void close();
}
