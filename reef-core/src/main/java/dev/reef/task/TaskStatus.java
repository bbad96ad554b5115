package dev.reef.task;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the task log says of a task: the aggregate of its records up to some point.
 *
 * <p>{@link #progress()} is the explicit overall progress when a worker gave one, otherwise the
 * mean of the components' progress, otherwise 0 (1 once COMPLETED).
 *
 * @param taskId the task id
 * @param state the state
 * @param attempt the current attempt, from 1
 * @param agent the agent of the current attempt, or null if none was found
 * @param capability the capability the task was routed by, or null for a task sent to an agent
 * @param stage the latest stage a worker named, or null
 * @param progress the overall progress in [0, 1]
 * @param components the components' progress, by name, in first-report order
 * @param message the latest progress, warning or failure message, or null
 * @param warnings how many warnings the workers reported
 * @param result the result of a COMPLETED task, or null
 * @param error why a task FAILED, was REJECTED or CANCELED, or null
 * @param cancelRequested whether someone asked to cancel it
 * @param submittedAt when it was submitted, or null if the log no longer holds that record
 * @param startedAt when a worker first started it, or null
 * @param finishedAt when it reached a terminal state, or null
 */
public record TaskStatus(
    String taskId,
    TaskState state,
    int attempt,
    @Nullable String agent,
    @Nullable String capability,
    @Nullable String stage,
    double progress,
    Map<String, ComponentStatus> components,
    @Nullable String message,
    int warnings,
    @Nullable Map<String, Object> result,
    @Nullable String error,
    boolean cancelRequested,
    @Nullable Instant submittedAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt) {

  /**
   * How long the task has taken: from submission (or its first known record) to its end, or to now
   * while it runs.
   *
   * @return the elapsed time, zero if no time is known
   */
  public Duration elapsed() {
    Instant start = submittedAt != null ? submittedAt : startedAt;
    if (start == null) {
      return Duration.ZERO;
    }
    Instant end = finishedAt != null ? finishedAt : Instant.now();
    Duration d = Duration.between(start, end);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * An estimate of the time left, from the time since the worker started and the progress so far
   * (linear): empty before any progress or once the task is over.
   *
   * @return the estimate
   */
  public Optional<Duration> estimatedRemaining() {
    if (state.isTerminal() || progress <= 0 || startedAt == null) {
      return Optional.empty();
    }
    long spent = Math.max(0, Duration.between(startedAt, Instant.now()).toMillis());
    return Optional.of(Duration.ofMillis((long) (spent * (1 - progress) / progress)));
  }
}
