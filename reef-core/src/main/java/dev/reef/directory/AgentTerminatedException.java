package dev.reef.directory;

import dev.reef.ReefException;

/**
 * The agent was terminated ({@link AgentDirectory#terminate(String, String)}): it no longer takes
 * spores, its waiting requests were answered with an error, and its name cannot be registered again
 * unless {@link AgentDirectory#revive(String, String)} allows it.
 */
public class AgentTerminatedException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final String channel;
  private final String agent;

  /**
   * Creates an exception.
   *
   * @param channel the channel
   * @param agent the terminated agent
   */
  public AgentTerminatedException(String channel, String agent) {
    super("agent '" + agent + "' on channel '" + channel + "' was terminated");
    this.channel = channel;
    this.agent = agent;
  }

  /**
   * The channel of the agent.
   *
   * @return the channel name
   */
  public String channel() {
    return channel;
  }

  /**
   * The terminated agent.
   *
   * @return the agent name
   */
  public String agent() {
    return agent;
  }
}
