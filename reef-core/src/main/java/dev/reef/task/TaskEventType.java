package dev.reef.task;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** What a task log record says happened; the wire name is the lower-case name (docs/tasks.md). */
public enum TaskEventType {
  /** The requester submitted the task (attempt 1). */
  SUBMITTED,
  /** A worker started an attempt. */
  STARTED,
  /** A worker reported progress (overall or of one component). */
  PROGRESS,
  /** A worker reported a warning; the task goes on. */
  WARNING,
  /** The worker finished with a result. */
  COMPLETED,
  /** An attempt failed; {@link TaskEvent#isFinal()} says whether the task failed. */
  FAILED,
  /** The worker refused the task. */
  REJECTED,
  /** Someone asked to cancel the task. */
  CANCEL_REQUESTED,
  /** The task was canceled (by its worker, or before any worker started). */
  CANCELED,
  /** The requester sent a new attempt, after a failure, a timeout or a lost agent. */
  RETRIED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * The name in the task log.
   *
   * @return the wire name
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The type of a wire name.
   *
   * @param wireName a wire name
   * @return the type, or null if the name is none of them
   */
  public static @Nullable TaskEventType fromWireName(@Nullable String wireName) {
    if (wireName == null) {
      return null;
    }
    for (TaskEventType t : values()) {
      if (t.wireName.equals(wireName)) {
        return t;
      }
    }
    return null;
  }
}
