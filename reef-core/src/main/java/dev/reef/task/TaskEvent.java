package dev.reef.task;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One record of a task's log, as delivered to watchers, with the task's status once it was applied.
 *
 * @param taskId the task id
 * @param type what happened
 * @param attempt the attempt it belongs to, from 1
 * @param agent the agent that wrote it (worker records) or that the attempt went to, or null
 * @param at when it was written
 * @param stage the stage of a PROGRESS event, or null
 * @param progress the fraction of a PROGRESS event (of the component when {@code component} is set,
 *     else overall), or null
 * @param component the component of a per-component PROGRESS event, or null
 * @param message the message, or null
 * @param result the result of a COMPLETED event, or null
 * @param reason why an attempt FAILED or was RETRIED ({@code error}, {@code timeout}, {@code
 *     no_agent}, {@code terminated}), or null
 * @param isFinal for FAILED: whether the task failed (no more attempts)
 * @param status the task's status after this event
 */
public record TaskEvent(
    String taskId,
    TaskEventType type,
    int attempt,
    @Nullable String agent,
    Instant at,
    @Nullable String stage,
    @Nullable Double progress,
    @Nullable String component,
    @Nullable String message,
    @Nullable Map<String, Object> result,
    @Nullable String reason,
    boolean isFinal,
    TaskStatus status) {}
