package dev.reef.spi;

import dev.reef.ReefException;

/**
 * How a {@link MailboxConsumer} says it took no part in a delivery: the mailbox has no handler
 * subscribed (for example its last handler was just unsubscribed, and the backend's consumption is
 * about to be closed). It is not a handling attempt: a backend that can leave the spore in its
 * mailbox should return it there (never retry or dead-letter it because of this), and a backend
 * that cannot may treat it as a failed attempt.
 */
public class NoHandlerException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message which mailbox has no handler
   */
  public NoHandlerException(String message) {
    super(message);
  }
}
