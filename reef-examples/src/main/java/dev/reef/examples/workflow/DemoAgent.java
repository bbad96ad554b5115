package dev.reef.examples.workflow;

import dev.reef.ReefChannel;
import dev.reef.Subscription;

/** One agent of the demo: a name and a handler it attaches to a channel. */
public interface DemoAgent {

  /**
   * The agent's name on the channel.
   *
   * @return the name
   */
  String name();

  /**
   * Attaches the agent's handler to its mailbox on the channel.
   *
   * @param channel the channel the agents meet on
   * @return the subscription; close it to stop the agent
   */
  Subscription start(ReefChannel channel);
}
