package dev.reef.task;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The tasks of one channel ({@link dev.reef.ReefChannel#tasks()}): submit, serve, watch, query. The
 * records of every task of the channel are in the channel's task log (the backend's {@link
 * dev.reef.spi.TaskLogStore}), so any reef on the same transport can watch a task or ask its state.
 * Thread-safe. Rules and wire format: docs/tasks.md.
 */
public interface Tasks {

  /** The most events a watch keeps for a listener that is behind; past it the watch closes. */
  int MAX_PENDING_EVENTS = 100_000;

  /**
   * The channel.
   *
   * @return its name
   */
  String channel();

  /**
   * Submits a task: appends its SUBMITTED record, then sends its request spore to the agent (or to
   * the agent the selector chose among the live agents of the capability).
   *
   * @param request the request
   * @return the handle; failures (no live agent, unknown agent, ...) come as events and through
   *     {@link TaskHandle#result()}
   */
  TaskHandle submit(TaskRequest request);

  /**
   * Submits a task to an agent with the defaults of {@link TaskRequest}.
   *
   * @param from the sender
   * @param to the agent
   * @param input the input
   * @return the handle
   */
  default TaskHandle submit(String from, String to, Map<String, ?> input) {
    return submit(TaskRequest.toAgent(from, to).input(input).build());
  }

  /**
   * Serves the tasks sent to an agent: its mailbox's spores that carry a task request (others are
   * left to the agent's other handlers). Workers of one agent (in this or other reefs) compete for
   * the tasks as mailbox consumers do; priority is the spore's.
   *
   * @param agent the agent
   * @param worker runs each task
   * @return close it to stop serving
   */
  TaskServing serve(String agent, TaskWorker worker);

  /**
   * Watches a task from any reef: its events from the log's retained start, then live, in order. A
   * task not submitted yet is waited for.
   *
   * @param taskId the task id
   * @param listener receives the events
   * @return close it to stop
   */
  TaskWatch watch(String taskId, TaskListener listener);

  /**
   * A task's events as a publisher (history, then live; completes after the terminal event).
   *
   * @param taskId the task id
   * @return the publisher; each subscriber reads the log from its start
   */
  Flow.Publisher<TaskEvent> events(String taskId);

  /**
   * A task's status, after reading the log up to now.
   *
   * @param taskId the task id
   * @return the status
   * @throws UnknownTaskException if the log has no record of the task
   */
  TaskStatus status(String taskId);

  /**
   * Asks to cancel a task (see {@link TaskHandle#cancel()}).
   *
   * @param taskId the task id
   * @return completes when the request is in the log; fails with {@link UnknownTaskException} if
   *     the task is unknown
   */
  CompletableFuture<Void> cancel(String taskId);

  /**
   * This reef's statistics of the channel's tasks (as requester), by agent and capability.
   *
   * @return a snapshot
   */
  TaskStatistics statistics();

  /**
   * Records of the log this reef ignored: for a task already finished, or of an attempt already
   * superseded.
   *
   * @return 0 or more
   */
  long ignoredRecords();

  /**
   * Records of the log this reef could not read (not JSON, unknown version or event, progress
   * outside [0, 1], ...); counted, never thrown.
   *
   * @return 0 or more
   */
  long malformedRecords();
}
