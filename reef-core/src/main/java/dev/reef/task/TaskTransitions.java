package dev.reef.task;

/**
 * The one place where task state transitions are decided (docs/tasks.md#states). Every process
 * folds the same log with these rules, so every watcher agrees on a task's state.
 */
final class TaskTransitions {
  private TaskTransitions() {}

  /**
   * The state after a record, or null if the record is ignored.
   *
   * @param current the task's state, or null for a task not seen yet
   * @param currentAttempt the task's current attempt (0 if not seen)
   * @param r the record
   * @return the next state, or null to ignore the record
   */
  static TaskState next(TaskState current, int currentAttempt, TaskRecord r) {
    if (current == null) {
      // The log may have dropped the older records of a task (retention): start from this one.
      return implied(r);
    }
    if (current.isTerminal()) {
      return null;
    }
    boolean stale = r.attempt() < currentAttempt;
    switch (r.type()) {
      case SUBMITTED:
        return null; // a task is submitted once; later attempts are RETRIED
      case RETRIED:
        return r.attempt() > currentAttempt ? TaskState.SUBMITTED : null;
      case STARTED:
      case PROGRESS:
      case WARNING:
        return stale ? null : TaskState.WORKING;
      case COMPLETED:
        return TaskState.COMPLETED; // a late result of an earlier attempt still completes it
      case FAILED:
        if (stale) {
          return null;
        }
        return r.isFinal() ? TaskState.FAILED : TaskState.SUBMITTED;
      case REJECTED:
        return stale ? null : TaskState.REJECTED;
      case CANCEL_REQUESTED:
        // Nobody runs it yet: canceled at once. A worker that starts it later sees the state.
        return current == TaskState.SUBMITTED ? TaskState.CANCELED : current;
      case CANCELED:
        return TaskState.CANCELED;
      default:
        return null;
    }
  }

  private static TaskState implied(TaskRecord r) {
    switch (r.type()) {
      case SUBMITTED:
      case RETRIED:
        return TaskState.SUBMITTED;
      case STARTED:
      case PROGRESS:
      case WARNING:
        return TaskState.WORKING;
      case COMPLETED:
        return TaskState.COMPLETED;
      case FAILED:
        return r.isFinal() ? TaskState.FAILED : TaskState.SUBMITTED;
      case REJECTED:
        return TaskState.REJECTED;
      case CANCEL_REQUESTED:
      case CANCELED:
        return TaskState.CANCELED;
      default:
        return null;
    }
  }
}
