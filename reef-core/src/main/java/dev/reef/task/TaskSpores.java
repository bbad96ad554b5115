package dev.reef.task;

import dev.reef.Spore;
import dev.reef.SporeType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task request spore (docs/tasks.md#request): a directed {@code request} spore whose knowledge
 * holds one key, {@value #KEY}, with the task's id, attempt, idempotency key, retry facts and
 * input. Its priority is the task's; its {@code correlation_id} the task id.
 */
public final class TaskSpores {
  /** The knowledge key of a task request. */
  public static final String KEY = "reef_task";

  private TaskSpores() {}

  /**
   * Whether a spore is a task request (for handlers that share an agent with a task worker and want
   * to skip them).
   *
   * @param spore the spore
   * @return true if its knowledge has {@value #KEY}
   */
  public static boolean isTaskRequest(Spore spore) {
    return spore.knowledge().containsKey(KEY);
  }

  /** One attempt of a task as a request carries it. */
  record Assignment(
      String taskId,
      int attempt,
      String idempotencyKey,
      int maxAttempts,
      boolean retryOnFailure,
      Map<String, Object> input) {}

  static Spore request(TaskRequest req, int attempt, String agent) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("v", TaskRecords.VERSION);
    t.put("task_id", req.taskId());
    t.put("attempt", attempt);
    t.put("idempotency_key", req.idempotencyKey());
    t.put("max_attempts", req.retryPolicy().maxAttempts());
    t.put("retry_on_failure", req.retryPolicy().retries(TaskReasons.ERROR));
    t.put("input", req.input());
    return Spore.builder()
        .type(SporeType.REQUEST)
        .fromAgent(req.from())
        .toAgent(agent)
        .priority(req.priority())
        .correlationId(req.taskId())
        .knowledge(Map.of(KEY, t))
        .build();
  }

  /** The assignment of a task request, or null if it is not a valid one. */
  @SuppressWarnings("unchecked")
  static Assignment parse(Spore spore) {
    Object o = spore.knowledge().get(KEY);
    if (!(o instanceof Map)) {
      return null;
    }
    Map<String, Object> t = (Map<String, Object>) o;
    Object id = t.get("task_id");
    Object attempt = t.get("attempt");
    Object input = t.getOrDefault("input", Map.of());
    if (!(id instanceof String)
        || ((String) id).isBlank()
        || !(attempt instanceof Number)
        || ((Number) attempt).intValue() < 1
        || !(input instanceof Map)) {
      return null;
    }
    Object key = t.get("idempotency_key");
    Object max = t.get("max_attempts");
    Object retry = t.get("retry_on_failure");
    return new Assignment(
        (String) id,
        ((Number) attempt).intValue(),
        key instanceof String ? (String) key : (String) id,
        max instanceof Number ? ((Number) max).intValue() : 1,
        retry instanceof Boolean && (Boolean) retry,
        (Map<String, Object>) input);
  }
}
