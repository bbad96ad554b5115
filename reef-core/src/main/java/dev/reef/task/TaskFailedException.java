package dev.reef.task;

import dev.reef.ReefException;

/**
 * How {@link TaskHandle#result()} fails when the task ends without a result: FAILED, CANCELED or
 * REJECTED, with the last message.
 */
public class TaskFailedException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final transient TaskStatus status;

  /**
   * Creates the exception.
   *
   * @param status the task's final status
   */
  public TaskFailedException(TaskStatus status) {
    super(
        "task '"
            + status.taskId()
            + "' ended "
            + status.state()
            + (status.error() == null ? "" : ": " + status.error()));
    this.status = status;
  }

  /**
   * The terminal state.
   *
   * @return FAILED, CANCELED or REJECTED
   */
  public TaskState state() {
    return status.state();
  }

  /**
   * The final status.
   *
   * @return the status
   */
  public TaskStatus status() {
    return status;
  }
}
