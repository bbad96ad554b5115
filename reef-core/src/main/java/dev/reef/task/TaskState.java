package dev.reef.task;

import java.util.Locale;

/**
 * The state of a task, in the vocabulary of agent-to-agent task protocols. Transitions are checked
 * in one place (docs/tasks.md#states): SUBMITTED → WORKING → one of the terminal states; a retry
 * returns a task to SUBMITTED; a task canceled before any worker started goes straight to CANCELED.
 * Records about a task in a terminal state are ignored and counted.
 */
public enum TaskState {
  /** Sent to an agent (or waiting for a retry); no worker has started it. */
  SUBMITTED,
  /** A worker runs it. */
  WORKING,
  /** Finished with a result. Terminal. */
  COMPLETED,
  /** Failed on its last attempt, timed out, or found no live agent. Terminal. */
  FAILED,
  /** Canceled. Terminal. */
  CANCELED,
  /** Refused by the worker. Terminal. */
  REJECTED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * Whether nothing follows this state.
   *
   * @return true for COMPLETED, FAILED, CANCELED, REJECTED
   */
  public boolean isTerminal() {
    return this != SUBMITTED && this != WORKING;
  }

  /**
   * The lower-case name used in the task log.
   *
   * @return the wire name
   */
  public String wireName() {
    return wireName;
  }
}
