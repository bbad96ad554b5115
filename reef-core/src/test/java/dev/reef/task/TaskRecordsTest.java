package dev.reef.task;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRecordsTest {

  private static TaskRecord roundTrip(TaskRecord r) throws Exception {
    return TaskRecords.decode(TaskRecords.parse(TaskRecords.encode(r)));
  }

  @Test
  void everyRecordTypeSurvivesTheWireWithItsFields() throws Exception {
    TaskRecord submitted =
        TaskRecord.of("t1", TaskEventType.SUBMITTED, 1, "w")
            .withSubmission("boss", "summarize", 7, 3, 5000, "key-1");
    assertThat(roundTrip(submitted)).isEqualTo(submitted);
    TaskRecord progress =
        TaskRecord.of("t1", TaskEventType.PROGRESS, 2, "w").withProgress("parse", 0.25, "c", "m");
    assertThat(roundTrip(progress)).isEqualTo(progress);
    TaskRecord failed =
        TaskRecord.of("t1", TaskEventType.FAILED, 2, "w")
            .withMessage("boom")
            .withReason("error", true);
    assertThat(roundTrip(failed)).isEqualTo(failed);
    TaskRecord retried =
        TaskRecord.of("t1", TaskEventType.RETRIED, 3, "v")
            .withReason("timeout", false)
            .withDelay(750);
    assertThat(roundTrip(retried)).isEqualTo(retried);
    TaskRecord completed =
        TaskRecord.of("t1", TaskEventType.COMPLETED, 3, "v")
            .withResult(Map.of("n", 1L, "xs", List.of(1L, 2.5, "a"), "o", Map.of("b", true)));
    assertThat(roundTrip(completed)).isEqualTo(completed);
  }

  @Test
  void theWireNamesAreLowerCaseAndDocumented() {
    String json =
        new String(
            TaskRecords.encode(TaskRecord.of("t1", TaskEventType.CANCEL_REQUESTED, 1, null)),
            UTF_8);
    assertThat(json)
        .startsWith("{\"v\":1,\"task_id\":\"t1\",\"event\":\"cancel_requested\",\"attempt\":1,")
        .contains("\"at\":\"");
  }

  @Test
  void recordsThatBreakARuleAreMalformed() {
    for (String bad :
        List.of(
            "nope",
            "[]",
            "{\"v\":2,\"task_id\":\"t\",\"event\":\"started\",\"attempt\":1,\"at\":\"2026-01-01T00:00:00Z\"}",
            "{\"v\":1,\"event\":\"started\",\"attempt\":1,\"at\":\"2026-01-01T00:00:00Z\"}",
            "{\"v\":1,\"task_id\":\"t\",\"event\":\"boom\",\"attempt\":1,\"at\":\"2026-01-01T00:00:00Z\"}",
            "{\"v\":1,\"task_id\":\"t\",\"event\":\"started\",\"attempt\":0,\"at\":\"2026-01-01T00:00:00Z\"}",
            "{\"v\":1,\"task_id\":\"t\",\"event\":\"started\",\"attempt\":1,\"at\":\"yesterday\"}",
            "{\"v\":1,\"task_id\":\"t\",\"event\":\"progress\",\"attempt\":1,\"at\":\"2026-01-01T00:00:00Z\",\"progress\":-0.5}",
            "{\"v\":1,\"task_id\":\"t\",\"event\":\"completed\",\"attempt\":1,\"at\":\"2026-01-01T00:00:00Z\",\"result\":3}")) {
      assertThatThrownBy(() -> TaskRecords.decode(TaskRecords.parse(bad.getBytes(UTF_8))))
          .as(bad)
          .isInstanceOf(TaskRecords.MalformedRecordException.class);
    }
  }

  @Test
  void unknownFieldsAreIgnoredAndMarkersAreRecognised() throws Exception {
    String extra =
        "{\"v\":1,\"task_id\":\"t\",\"event\":\"started\",\"attempt\":1,"
            + "\"at\":\"2026-01-01T00:00:00Z\",\"future_field\":[1]}";
    assertThat(TaskRecords.decode(TaskRecords.parse(extra.getBytes(UTF_8))).type())
        .isEqualTo(TaskEventType.STARTED);
    assertThat(TaskRecords.markerId(TaskRecords.parse(TaskRecords.marker("m-1")))).isEqualTo("m-1");
    assertThat(TaskRecords.markerId(TaskRecords.parse(extra.getBytes(UTF_8)))).isNull();
  }
}
