package dev.reef.task;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** A submitted task, seen from the reef that submitted it. Thread-safe. */
public interface TaskHandle {

  /**
   * The task id.
   *
   * @return the id
   */
  String id();

  /**
   * The task's status as this reef has read it from the task log.
   *
   * @return the status
   */
  TaskStatus status();

  /**
   * The task's state.
   *
   * @return {@code status().state()}
   */
  default TaskState state() {
    return status().state();
  }

  /**
   * The latest overall progress.
   *
   * @return {@code status().progress()}
   */
  default double progress() {
    return status().progress();
  }

  /**
   * The result: completes with the result when the task is COMPLETED, fails with {@link
   * TaskFailedException} when it ends otherwise.
   *
   * @return the future (completing it yourself changes nothing)
   */
  CompletableFuture<Map<String, Object>> result();

  /**
   * The task's events from its first, then live, in order; completes after the terminal one.
   *
   * @return a publisher; each subscriber reads the log from its start
   */
  Flow.Publisher<TaskEvent> events();

  /**
   * Watches the task's events from its first, then live, in order.
   *
   * @param listener receives them
   * @return close it to stop
   */
  TaskWatch watch(TaskListener listener);

  /**
   * Asks to cancel the task: a task no worker has started ends CANCELED at once; a running one when
   * its worker stops.
   *
   * @return completes when the request is in the task log
   */
  CompletableFuture<Void> cancel();
}
