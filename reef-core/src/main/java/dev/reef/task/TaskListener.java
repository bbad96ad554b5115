package dev.reef.task;

/** Receives a task's events in log order, one at a time, on a reef thread. Must be fast. */
@FunctionalInterface
public interface TaskListener {

  /**
   * One event.
   *
   * @param event the event
   */
  void onEvent(TaskEvent event);
}
