package dev.reef.task;

import java.time.Instant;
import java.util.Map;

/**
 * One record of the task log, every field of the wire format (docs/tasks.md#records); fields that
 * do not apply to the record's type are null (or 0 / false).
 */
record TaskRecord(
    String taskId,
    TaskEventType type,
    int attempt,
    String agent,
    Instant at,
    String stage,
    Double progress,
    String component,
    String message,
    Map<String, Object> result,
    String reason,
    boolean isFinal,
    String from,
    String capability,
    int priority,
    int maxAttempts,
    long timeoutMillis,
    String idempotencyKey,
    long delayMillis) {

  /** A record with only the common fields; the others null, 0 or false. */
  static TaskRecord of(String taskId, TaskEventType type, int attempt, String agent) {
    return new TaskRecord(
        taskId,
        type,
        attempt,
        agent,
        Instant.now(),
        null,
        null,
        null,
        null,
        null,
        null,
        false,
        null,
        null,
        0,
        0,
        0,
        null,
        0);
  }

  TaskRecord withProgress(String stage, Double progress, String component, String message) {
    return new TaskRecord(
        taskId,
        type,
        attempt,
        agent,
        at,
        stage,
        progress,
        component,
        message,
        result,
        reason,
        isFinal,
        from,
        capability,
        priority,
        maxAttempts,
        timeoutMillis,
        idempotencyKey,
        delayMillis);
  }

  TaskRecord withMessage(String message) {
    return withProgress(stage, progress, component, message);
  }

  TaskRecord withResult(Map<String, Object> result) {
    return new TaskRecord(
        taskId,
        type,
        attempt,
        agent,
        at,
        stage,
        progress,
        component,
        message,
        result,
        reason,
        isFinal,
        from,
        capability,
        priority,
        maxAttempts,
        timeoutMillis,
        idempotencyKey,
        delayMillis);
  }

  TaskRecord withReason(String reason, boolean isFinal) {
    return new TaskRecord(
        taskId,
        type,
        attempt,
        agent,
        at,
        stage,
        progress,
        component,
        message,
        result,
        reason,
        isFinal,
        from,
        capability,
        priority,
        maxAttempts,
        timeoutMillis,
        idempotencyKey,
        delayMillis);
  }

  TaskRecord withSubmission(
      String from,
      String capability,
      int priority,
      int maxAttempts,
      long timeoutMillis,
      String idempotencyKey) {
    return new TaskRecord(
        taskId,
        type,
        attempt,
        agent,
        at,
        stage,
        progress,
        component,
        message,
        result,
        reason,
        isFinal,
        from,
        capability,
        priority,
        maxAttempts,
        timeoutMillis,
        idempotencyKey,
        delayMillis);
  }

  TaskRecord withDelay(long delayMillis) {
    return new TaskRecord(
        taskId,
        type,
        attempt,
        agent,
        at,
        stage,
        progress,
        component,
        message,
        result,
        reason,
        isFinal,
        from,
        capability,
        priority,
        maxAttempts,
        timeoutMillis,
        idempotencyKey,
        delayMillis);
  }

  TaskEvent toEvent(TaskStatus status) {
    return new TaskEvent(
        taskId, type, attempt, agent, at, stage, progress, component, message, result, reason,
        isFinal, status);
  }
}
