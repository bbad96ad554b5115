package dev.reef.task;

import static dev.reef.task.TaskEventType.CANCELED;
import static dev.reef.task.TaskEventType.CANCEL_REQUESTED;
import static dev.reef.task.TaskEventType.COMPLETED;
import static dev.reef.task.TaskEventType.FAILED;
import static dev.reef.task.TaskEventType.PROGRESS;
import static dev.reef.task.TaskEventType.REJECTED;
import static dev.reef.task.TaskEventType.RETRIED;
import static dev.reef.task.TaskEventType.STARTED;
import static dev.reef.task.TaskEventType.SUBMITTED;
import static dev.reef.task.TaskEventType.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every transition of docs/tasks.md#states, in the one place that decides them. */
class TaskTransitionsTest {

  private static TaskRecord r(TaskEventType type, int attempt) {
    return TaskRecord.of("t", type, attempt, "w");
  }

  private static TaskRecord failed(int attempt, boolean isFinal) {
    return r(FAILED, attempt).withReason("error", isFinal);
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource({
    // from SUBMITTED
    "SUBMITTED, STARTED, WORKING",
    "SUBMITTED, PROGRESS, WORKING",
    "SUBMITTED, WARNING, WORKING",
    "SUBMITTED, COMPLETED, COMPLETED",
    "SUBMITTED, REJECTED, REJECTED",
    "SUBMITTED, CANCEL_REQUESTED, CANCELED",
    "SUBMITTED, CANCELED, CANCELED",
    "SUBMITTED, SUBMITTED, ",
    // from WORKING
    "WORKING, PROGRESS, WORKING",
    "WORKING, WARNING, WORKING",
    "WORKING, STARTED, WORKING",
    "WORKING, COMPLETED, COMPLETED",
    "WORKING, REJECTED, REJECTED",
    "WORKING, CANCEL_REQUESTED, WORKING",
    "WORKING, CANCELED, CANCELED",
    "WORKING, SUBMITTED, ",
  })
  void fromALiveState(TaskState from, TaskEventType type, TaskState expected) {
    assertThat(TaskTransitions.next(from, 1, r(type, 1))).isEqualTo(expected);
  }

  @Test
  void aFailureIsFinalOnlyWhenItSaysSoOtherwiseTheTaskWaitsForItsRetry() {
    for (TaskState from : new TaskState[] {TaskState.SUBMITTED, TaskState.WORKING}) {
      assertThat(TaskTransitions.next(from, 1, failed(1, true))).isEqualTo(TaskState.FAILED);
      assertThat(TaskTransitions.next(from, 1, failed(1, false))).isEqualTo(TaskState.SUBMITTED);
    }
  }

  @Test
  void aRetryMovesToANewerAttemptOnly() {
    assertThat(TaskTransitions.next(TaskState.SUBMITTED, 1, r(RETRIED, 2)))
        .isEqualTo(TaskState.SUBMITTED);
    assertThat(TaskTransitions.next(TaskState.WORKING, 1, r(RETRIED, 2)))
        .isEqualTo(TaskState.SUBMITTED);
    assertThat(TaskTransitions.next(TaskState.SUBMITTED, 2, r(RETRIED, 2))).isNull();
  }

  @Test
  void recordsOfASupersededAttemptAreIgnoredExceptItsResult() {
    for (TaskEventType t : new TaskEventType[] {STARTED, PROGRESS, WARNING, REJECTED}) {
      assertThat(TaskTransitions.next(TaskState.WORKING, 2, r(t, 1))).as(t.name()).isNull();
    }
    assertThat(TaskTransitions.next(TaskState.WORKING, 2, failed(1, true))).isNull();
    assertThat(TaskTransitions.next(TaskState.WORKING, 2, r(COMPLETED, 1)))
        .isEqualTo(TaskState.COMPLETED);
  }

  @Test
  void aTerminalStateIgnoresEverything() {
    for (TaskState end :
        new TaskState[] {
          TaskState.COMPLETED, TaskState.FAILED, TaskState.CANCELED, TaskState.REJECTED
        }) {
      assertThat(end.isTerminal()).isTrue();
      for (TaskEventType t : TaskEventType.values()) {
        assertThat(TaskTransitions.next(end, 1, r(t, 1))).as(end + " + " + t).isNull();
      }
    }
  }

  @Test
  void aTaskFirstSeenMidwayStartsFromTheStateItsRecordImplies() {
    assertThat(TaskTransitions.next(null, 0, r(SUBMITTED, 1))).isEqualTo(TaskState.SUBMITTED);
    assertThat(TaskTransitions.next(null, 0, r(PROGRESS, 1))).isEqualTo(TaskState.WORKING);
    assertThat(TaskTransitions.next(null, 0, r(COMPLETED, 1))).isEqualTo(TaskState.COMPLETED);
    assertThat(TaskTransitions.next(null, 0, r(CANCEL_REQUESTED, 1))).isEqualTo(TaskState.CANCELED);
    assertThat(TaskTransitions.next(null, 0, r(CANCELED, 1))).isEqualTo(TaskState.CANCELED);
    assertThat(TaskTransitions.next(null, 0, failed(1, false))).isEqualTo(TaskState.SUBMITTED);
  }

  @Test
  void theAggregateIgnoresWhatTheRulesIgnoreAndComputesTheProgress() {
    TaskAggregate a = new TaskAggregate("t");
    assertThat(a.apply(r(SUBMITTED, 1))).isTrue();
    assertThat(a.apply(r(PROGRESS, 1).withProgress(null, 0.2, "x", null))).isTrue();
    assertThat(a.apply(r(PROGRESS, 1).withProgress(null, 0.6, "y", null))).isTrue();
    assertThat(a.snapshot().progress()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(a.apply(r(PROGRESS, 1).withProgress("s", 0.9, null, null))).isTrue();
    assertThat(a.snapshot().progress()).isEqualTo(0.9);
    assertThat(a.apply(r(COMPLETED, 1))).isTrue();
    assertThat(a.apply(r(PROGRESS, 1).withProgress(null, 0.1, null, null))).isFalse();
    assertThat(a.snapshot().state()).isEqualTo(TaskState.COMPLETED);
    assertThat(a.snapshot().progress()).isEqualTo(1.0);
  }
}
