package dev.reef.amqp;

import dev.reef.PublishException;

/**
 * The broker is blocking publishes (RabbitMQ flow control under a memory or disk alarm), so the
 * spore was not sent: it certainly did not reach the broker, and may be sent again once the broker
 * unblocks (see {@link BrokerListener#onUnblocked()}).
 */
public class BrokerBlockedException extends PublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what was refused and the broker's reason
   */
  public BrokerBlockedException(String message) {
    super(message);
  }
}
