package dev.reef;

import java.time.Duration;

/** A pull {@code receive} found no spore in the mailbox within its timeout. */
public class ReceiveTimeoutException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final transient Duration timeout;

  /**
   * Creates an exception.
   *
   * @param channel the channel
   * @param agent the agent whose mailbox was empty
   * @param timeout the timeout that passed
   */
  public ReceiveTimeoutException(String channel, String agent, Duration timeout) {
    super("no spore for '" + agent + "' on channel '" + channel + "' within " + timeout);
    this.timeout = timeout;
  }

  /**
   * The timeout that passed.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }
}
