package dev.reef.examples.workflow;

import dev.reef.ReefChannel;
import dev.reef.Subscription;
import java.util.List;

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

  /**
   * The capabilities the agent serves as tasks; {@link Agents#offer} registers them in the
   * directory, so that a task can be submitted to "any live agent with capability X". None by
   * default.
   *
   * @return the capabilities
   */
  default List<String> capabilities() {
    return List.of();
  }

  /**
   * Serves the agent's tasks on the channel, if it has any.
   *
   * @param channel the channel the agents meet on
   * @return close it to stop serving
   */
  default AutoCloseable serveTasks(ReefChannel channel) {
    return () -> {};
  }
}
