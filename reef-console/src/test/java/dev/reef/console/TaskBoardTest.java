package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.task.TaskEvent;
import dev.reef.task.TaskEventType;
import dev.reef.task.TaskState;
import dev.reef.task.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskBoardTest {

  private static TaskStatus status(String id, TaskState state, double progress) {
    return new TaskStatus(
        id,
        state,
        1,
        "w",
        null,
        null,
        progress,
        Map.of(),
        "x".repeat(600),
        0,
        null,
        null,
        false,
        Instant.EPOCH,
        null,
        null);
  }

  private static TaskEvent progress(String id, double p) {
    return new TaskEvent(
        id,
        TaskEventType.PROGRESS,
        1,
        "w",
        Instant.now(),
        null,
        p,
        null,
        null,
        null,
        null,
        false,
        status(id, TaskState.WORKING, p));
  }

  @Test
  void aBatchCarriesEachChangedTaskOnceWithItsLatestStatusNewestFirst() {
    TaskBoard board = new TaskBoard(10, 5);
    for (int i = 1; i <= 100; i++) {
      board.onEvent(progress("a", i / 100.0));
    }
    board.onEvent(progress("b", 0.5));
    List<Map<String, Object>> changed = board.drainChanged();
    assertThat(changed).extracting(m -> m.get("id")).containsExactly("b", "a");
    assertThat(changed.get(1).get("progress")).isEqualTo(1.0);
    assertThat(board.drainChanged()).isEmpty();
  }

  @Test
  void itKeepsAtMostMaxTasksAndTheLatestEventsOfEachAndCutsTexts() {
    TaskBoard board = new TaskBoard(3, 5);
    board.seed(List.of(status("old", TaskState.COMPLETED, 1)));
    for (String id : List.of("t1", "t2", "t3")) {
      board.onEvent(progress(id, 0.1));
    }
    assertThat(board.tasks()).extracting(m -> m.get("id")).containsExactly("t3", "t2", "t1");
    assertThat(board.timeline("old")).isNull();
    for (int i = 1; i <= 20; i++) {
      board.onEvent(progress("t1", i / 20.0));
    }
    Map<String, Object> t = board.timeline("t1");
    assertThat((List<?>) t.get("events")).hasSize(5);
    assertThat(((String) ((Map<?, ?>) t.get("task")).get("message"))).hasSize(TaskBoard.MAX_TEXT);
  }
}
