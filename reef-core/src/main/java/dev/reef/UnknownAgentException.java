package dev.reef;

/**
 * A directed spore was sent to an agent that has no mailbox on the channel. The spore was not
 * delivered anywhere. Declare the mailbox ahead of time ({@link
 * ReefChannel#declareMailbox(String)}) so that spores wait for an agent that is offline.
 */
public class UnknownAgentException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final String channel;
  private final String agent;

  /**
   * Creates an exception.
   *
   * @param channel the channel
   * @param agent the agent without a mailbox
   */
  public UnknownAgentException(String channel, String agent) {
    super("no mailbox for agent '" + agent + "' on channel '" + channel + "'");
    this.channel = channel;
    this.agent = agent;
  }

  /**
   * The channel the spore was sent on.
   *
   * @return the channel name
   */
  public String channel() {
    return channel;
  }

  /**
   * The agent that has no mailbox.
   *
   * @return the agent name
   */
  public String agent() {
    return agent;
  }
}
