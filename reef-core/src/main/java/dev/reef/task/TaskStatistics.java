package dev.reef.task;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the task statistics of one channel of a reef, by agent and by capability.
 *
 * @param byAgent by agent name
 * @param byCapability by capability
 */
public record TaskStatistics(
    Map<String, TaskCounters> byAgent, Map<String, TaskCounters> byCapability) {

  /**
   * The counters of an agent.
   *
   * @param agent the agent
   * @return its counters, or null if no task went to it
   */
  public @Nullable TaskCounters agent(String agent) {
    return byAgent.get(agent);
  }

  /**
   * The counters of a capability.
   *
   * @param capability the capability
   * @return its counters, or null if no task was routed by it
   */
  public @Nullable TaskCounters capability(String capability) {
    return byCapability.get(capability);
  }
}
