package dev.reef.task;

import dev.reef.ReefException;

/** No record of the task id is in the channel's task log (never submitted, or past retention). */
public class UnknownTaskException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final String taskId;

  /**
   * Creates the exception.
   *
   * @param channel the channel
   * @param taskId the task id
   */
  public UnknownTaskException(String channel, String taskId) {
    super("no task '" + taskId + "' in the task log of channel '" + channel + "'");
    this.taskId = taskId;
  }

  /**
   * The unknown id.
   *
   * @return the task id
   */
  public String taskId() {
    return taskId;
  }
}
