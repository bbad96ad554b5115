package dev.reef.task;

/** The {@code reason} values of FAILED and RETRIED records (docs/tasks.md#records). */
final class TaskReasons {
  /** The worker threw. */
  static final String ERROR = "error";

  /** The attempt exceeded the task's timeout. */
  static final String TIMEOUT = "timeout";

  /** The attempt's agent was terminated or lost its last live instance. */
  static final String TERMINATED = "terminated";

  /** No live agent of the capability (or the agent has no mailbox). */
  static final String NO_AGENT = "no_agent";

  private TaskReasons() {}
}
