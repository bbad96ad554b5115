package dev.reef.task;

import java.util.List;

/**
 * Chooses the agent of an attempt of a task routed by capability, among the live agents of the
 * capability not excluded (those whose attempts of this task failed). Pluggable per request ({@link
 * TaskRequest.Builder#selector(WorkerSelector)}); the default is {@link #ewma()}. Implementations
 * are thread-safe and fast (called on submit and retry).
 */
@FunctionalInterface
public interface WorkerSelector {

  /**
   * Chooses an agent.
   *
   * @param capability the capability
   * @param candidates the live agents of the capability not excluded, never empty, sorted by name
   * @param statistics this reef's task statistics of the channel
   * @return one of the candidates
   */
  String select(String capability, List<String> candidates, TaskStatistics statistics);

  /**
   * The default (seed 004): the best score of moving averages, {@code successEwma - 0.5 *
   * latencyEwma / (largest latencyEwma of the candidates)}; an agent without outcomes yet scores as
   * a perfect one of average latency (so new agents get tried); ties go to the agent with the
   * fewest attempts, then by name.
   *
   * @return the selector
   */
  static WorkerSelector ewma() {
    return EwmaWorkerSelector.INSTANCE;
  }
}
