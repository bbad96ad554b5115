package dev.reef.task;

import dev.reef.ReefException;

/**
 * Thrown by a {@link TaskWorker} to refuse a task: the task ends REJECTED with this message and is
 * not retried. Any other exception is a failure (FAILED, retried if the policy says so).
 */
public class TaskRejectedException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the refusal.
   *
   * @param reason why the worker refuses
   */
  public TaskRejectedException(String reason) {
    super(reason);
  }
}
