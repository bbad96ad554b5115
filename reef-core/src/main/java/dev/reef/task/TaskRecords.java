package dev.reef.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.codec.JsonTrees;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;

/**
 * The JSON of the task log records (docs/tasks.md#records): one UTF-8 JSON object per record, with
 * {@code "v": 1}. A marker record ({@code "event": "marker"}) carries no task and is used to find
 * the end of the history. Decoding is strict: a record that breaks a rule is malformed.
 */
final class TaskRecords {
  /** The format version written. */
  static final int VERSION = 1;

  /** The event name of markers. */
  static final String MARKER = "marker";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TaskRecords() {}

  /** Thrown for a record that is not a valid task record. */
  static final class MalformedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedRecordException(String message) {
      super(message);
    }
  }

  static byte[] encode(TaskRecord r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("v", VERSION);
    n.put("task_id", r.taskId());
    n.put("event", r.type().wireName());
    n.put("attempt", r.attempt());
    putIf(n, "agent", r.agent());
    n.put("at", r.at().toString());
    putIf(n, "stage", r.stage());
    if (r.progress() != null) {
      n.put("progress", r.progress());
    }
    putIf(n, "component", r.component());
    putIf(n, "message", r.message());
    if (r.result() != null) {
      n.set("result", MAPPER.valueToTree(r.result()));
    }
    putIf(n, "reason", r.reason());
    if (r.type() == TaskEventType.FAILED) {
      n.put("final", r.isFinal());
    }
    if (r.type() == TaskEventType.SUBMITTED) {
      putIf(n, "from", r.from());
      putIf(n, "capability", r.capability());
      n.put("priority", r.priority());
      n.put("max_attempts", r.maxAttempts());
      n.put("timeout_ms", r.timeoutMillis());
      putIf(n, "idempotency_key", r.idempotencyKey());
    }
    if (r.type() == TaskEventType.RETRIED) {
      n.put("delay_ms", r.delayMillis());
    }
    return bytes(n);
  }

  static byte[] marker(String id) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("v", VERSION);
    n.put("event", MARKER);
    n.put("marker", id);
    return bytes(n);
  }

  /** The id of a marker record, or null if the bytes are not a marker. */
  static String markerId(JsonNode n) {
    return MARKER.equals(n.path("event").asText(null)) ? n.path("marker").asText(null) : null;
  }

  static JsonNode parse(byte[] bytes) throws MalformedRecordException {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new MalformedRecordException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new MalformedRecordException("not JSON: " + e.getMessage());
    }
  }

  static TaskRecord decode(JsonNode n) throws MalformedRecordException {
    if (n.path("v").asInt(-1) != VERSION) {
      throw new MalformedRecordException("unknown version " + n.get("v"));
    }
    String taskId = text(n, "task_id");
    if (taskId == null || taskId.isBlank()) {
      throw new MalformedRecordException("no task_id");
    }
    TaskEventType type = TaskEventType.fromWireName(text(n, "event"));
    if (type == null) {
      throw new MalformedRecordException("unknown event " + n.get("event"));
    }
    JsonNode attemptNode = n.get("attempt");
    if (attemptNode == null || !attemptNode.canConvertToInt() || attemptNode.asInt() < 1) {
      throw new MalformedRecordException("attempt must be an integer >= 1");
    }
    Instant at;
    try {
      at = Instant.parse(text(n, "at"));
    } catch (DateTimeParseException | NullPointerException e) {
      throw new MalformedRecordException("at must be an ISO-8601 instant");
    }
    Double progress = null;
    JsonNode p = n.get("progress");
    if (p != null && !p.isNull()) {
      if (!p.isNumber() || !(p.asDouble() >= 0 && p.asDouble() <= 1)) {
        throw new MalformedRecordException("progress must be a number in [0, 1]");
      }
      progress = p.asDouble();
    }
    Map<String, Object> result = null;
    JsonNode res = n.get("result");
    if (res != null && !res.isNull()) {
      if (!res.isObject()) {
        throw new MalformedRecordException("result must be an object");
      }
      result = Collections.unmodifiableMap(JsonTrees.toMap(res));
    }
    return new TaskRecord(
        taskId,
        type,
        attemptNode.asInt(),
        text(n, "agent"),
        at,
        text(n, "stage"),
        progress,
        text(n, "component"),
        text(n, "message"),
        result,
        text(n, "reason"),
        n.path("final").asBoolean(false),
        text(n, "from"),
        text(n, "capability"),
        n.path("priority").asInt(0),
        n.path("max_attempts").asInt(0),
        n.path("timeout_ms").asLong(0),
        text(n, "idempotency_key"),
        n.path("delay_ms").asLong(0));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void putIf(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a task record", e);
    }
  }
}
