package dev.reef.task;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link TaskWorker} gets: the task and the means to report on it. Reports are appended to
 * the task log in the order made; a report does not wait for the log (failures are logged). Safe to
 * use from several threads.
 */
public interface TaskContext {

  /**
   * The task id.
   *
   * @return the id
   */
  String taskId();

  /**
   * The attempt, from 1.
   *
   * @return the attempt
   */
  int attempt();

  /**
   * The agent serving it.
   *
   * @return the agent name
   */
  String agent();

  /**
   * The idempotency key.
   *
   * @return the key
   */
  String idempotencyKey();

  /**
   * The input.
   *
   * @return an unmodifiable map
   */
  Map<String, Object> input();

  /**
   * Reports the overall progress.
   *
   * @param stage the stage, or null
   * @param fraction in [0, 1]
   * @param message a message, or null
   * @throws InvalidProgressException if the fraction is outside [0, 1] or NaN
   */
  void progress(@Nullable String stage, double fraction, @Nullable String message);

  /**
   * Reports the progress of one component; the overall progress is the mean of the components'
   * unless an overall value was reported.
   *
   * @param component the component, not blank
   * @param fraction in [0, 1]
   * @param message a message, or null
   * @throws InvalidProgressException if the fraction is outside [0, 1] or NaN, or the component is
   *     blank
   */
  void componentProgress(String component, double fraction, @Nullable String message);

  /**
   * Reports a warning; the task goes on.
   *
   * @param message the warning
   */
  void warn(String message);

  /**
   * Whether someone asked to cancel the task (cooperative: check it between steps).
   *
   * @return true once a cancel was seen
   */
  boolean isCancelled();
}
