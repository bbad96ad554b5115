package dev.reef.task;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TaskContext} of one attempt on a worker; observes the task for cancels. */
final class WorkerContext implements TaskContext, TaskLogTracker.Observer {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerContext.class);

  private final ChannelTasks tasks;
  private final String agent;
  private final TaskSpores.Assignment assignment;
  private volatile boolean cancelled;

  WorkerContext(ChannelTasks tasks, String agent, TaskSpores.Assignment assignment) {
    this.tasks = tasks;
    this.agent = agent;
    this.assignment = assignment;
  }

  @Override
  public String taskId() {
    return assignment.taskId();
  }

  @Override
  public int attempt() {
    return assignment.attempt();
  }

  @Override
  public String agent() {
    return agent;
  }

  @Override
  public String idempotencyKey() {
    return assignment.idempotencyKey();
  }

  @Override
  public Map<String, Object> input() {
    return assignment.input();
  }

  @Override
  public void progress(@Nullable String stage, double fraction, @Nullable String message) {
    checkFraction(fraction);
    report(
        TaskRecord.of(taskId(), TaskEventType.PROGRESS, attempt(), agent)
            .withProgress(stage, fraction, null, message));
  }

  @Override
  public void componentProgress(String component, double fraction, @Nullable String message) {
    Objects.requireNonNull(component, "component");
    if (component.isBlank()) {
      throw new InvalidProgressException("the component name must not be blank");
    }
    checkFraction(fraction);
    report(
        TaskRecord.of(taskId(), TaskEventType.PROGRESS, attempt(), agent)
            .withProgress(null, fraction, component, message));
  }

  @Override
  public void warn(String message) {
    report(TaskRecord.of(taskId(), TaskEventType.WARNING, attempt(), agent).withMessage(message));
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
  }

  void report(TaskRecord r) {
    // Appended in call order; not awaited, a failure is logged (the outcome append is checked).
    tasks
        .append(r)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                LOG.warn("task {}: a {} record was not stored", taskId(), r.type(), e);
              }
            });
  }

  @Override
  public void onRecord(TaskRecord r, boolean accepted, TaskStatus after) {
    if (r.type() == TaskEventType.CANCEL_REQUESTED || after.state().isTerminal()) {
      cancelled = true;
    }
  }

  private static void checkFraction(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new InvalidProgressException("progress must be in [0, 1], was " + fraction);
    }
  }
}
