package dev.reef.task;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fold of one task's records into its {@link TaskStatus}. Not thread-safe: each owner (a
 * channel's tracker, a watch) applies records from one thread at a time.
 */
final class TaskAggregate {
  private final String taskId;
  private TaskState state;
  private int attempt;
  private String agent;
  private String capability;
  private String stage;
  private Double overall;
  private final Map<String, ComponentStatus> components = new LinkedHashMap<>();
  private String message;
  private int warnings;
  private Map<String, Object> result;
  private String error;
  private boolean cancelRequested;
  private Instant submittedAt;
  private Instant startedAt;
  private Instant finishedAt;

  TaskAggregate(String taskId) {
    this.taskId = taskId;
  }

  /** Applies a record; returns false (and changes nothing) if the rules ignore it. */
  boolean apply(TaskRecord r) {
    TaskState next = TaskTransitions.next(state, attempt, r);
    if (next == null) {
      return false;
    }
    state = next;
    attempt = Math.max(attempt, r.attempt());
    switch (r.type()) {
      case SUBMITTED:
        submittedAt = r.at();
        capability = r.capability();
        agent = r.agent();
        break;
      case RETRIED:
        agent = r.agent();
        message = r.message();
        break;
      case STARTED:
        agent = r.agent();
        if (startedAt == null) {
          startedAt = r.at();
        }
        break;
      case PROGRESS:
        startedIfNeeded(r);
        if (r.stage() != null) {
          stage = r.stage();
        }
        if (r.component() != null) {
          components.put(
              r.component(),
              new ComponentStatus(
                  r.component(), r.progress() == null ? 0 : r.progress(), r.message()));
        } else if (r.progress() != null) {
          overall = r.progress();
        }
        if (r.message() != null) {
          message = r.message();
        }
        break;
      case WARNING:
        startedIfNeeded(r);
        warnings++;
        message = r.message();
        break;
      case COMPLETED:
        result = r.result() == null ? Map.of() : r.result();
        agent = r.agent();
        break;
      case FAILED:
      case REJECTED:
      case CANCELED:
        error = r.message();
        message = r.message();
        break;
      case CANCEL_REQUESTED:
        cancelRequested = true;
        break;
      default:
        break;
    }
    if (state.isTerminal()) {
      finishedAt = r.at();
      if (state == TaskState.CANCELED && error == null) {
        error = "canceled before a worker started it";
      }
    }
    return true;
  }

  private void startedIfNeeded(TaskRecord r) {
    if (startedAt == null) {
      startedAt = r.at();
    }
  }

  TaskState state() {
    return state;
  }

  int attempt() {
    return attempt;
  }

  TaskStatus snapshot() {
    double p;
    if (state == TaskState.COMPLETED) {
      p = 1;
    } else if (overall != null) {
      p = overall;
    } else if (!components.isEmpty()) {
      p = components.values().stream().mapToDouble(ComponentStatus::progress).average().orElse(0);
    } else {
      p = 0;
    }
    return new TaskStatus(
        taskId,
        state,
        attempt,
        agent,
        capability,
        stage,
        p,
        Collections.unmodifiableMap(new LinkedHashMap<>(components)),
        message,
        warnings,
        result,
        error,
        cancelRequested,
        submittedAt,
        startedAt,
        finishedAt);
  }
}
