package dev.reef.task;

import java.util.List;
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
   * The most tasks a reef keeps the state of per channel, and so the largest {@link #recent(int)}:
   * {@value}.
   */
  int MAX_RECENT = 10_000;

  /**
   * How many of the channel's latest events a reef keeps for a new {@link #watchAll(TaskListener)}:
   * {@value}.
   */
  int WATCH_ALL_HISTORY = 1_000;

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
   * The channel's most recent tasks, newest first (by when this reef first read a record of the
   * task, which for a log read from its start is submission order), after reading the log up to
   * now. Each is the task's current status (state, progress, components, attempt, agent, ...). A
   * reef keeps the state of at most {@value #MAX_RECENT} tasks per channel, forgetting the least
   * recently changed first, so a long-finished task may be missing.
   *
   * @param limit the most tasks to return, 1..{@value #MAX_RECENT}
   * @return the statuses, at most {@code limit}
   * @throws IllegalArgumentException if the limit is out of range
   * @throws dev.reef.ReefException if the log could not be read up to now in time
   */
  List<TaskStatus> recent(int limit);

  /**
   * Watches every task of the channel: first the latest events this reef has read of the channel's
   * log (at most {@value #WATCH_ALL_HISTORY}; when this call is the first use of the channel's
   * tasks in this reef, it starts reading the log, so every retained record comes), then every new
   * event, each once, in log order. Only events the rules accept come (as {@link #watch(String,
   * TaskListener)}). Fed by the one follow of the log the reef already keeps for the channel. A
   * listener more than {@value #MAX_PENDING_EVENTS} events behind loses the watch (see {@link
   * TaskWatch#dropped()}).
   *
   * @param listener receives the events of every task
   * @return close it to stop
   */
  TaskWatch watchAll(TaskListener listener);

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
