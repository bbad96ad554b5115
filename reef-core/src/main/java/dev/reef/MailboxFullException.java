package dev.reef;

/**
 * A bounded mailbox was full and its overflow policy is to reject: the spore was not placed in that
 * mailbox.
 */
public class MailboxFullException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param channel the channel
   * @param agent the agent whose mailbox is full
   * @param capacity the mailbox capacity
   */
  public MailboxFullException(String channel, String agent, int capacity) {
    super(
        "mailbox of agent '" + agent + "' on channel '" + channel + "' is full (" + capacity + ")");
  }
}
