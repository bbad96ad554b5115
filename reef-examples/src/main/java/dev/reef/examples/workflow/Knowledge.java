package dev.reef.examples.workflow;

import dev.reef.Spore;
import dev.reef.SporeType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Small helpers to read the demo's knowledge fields. */
final class Knowledge {
  static final String RUN = "run";
  static final String TASK = "task";
  static final String KIND = "kind";
  static final String BY = "by";
  static final String TOPIC = "topic";
  static final String EVENT = "event";
  static final String TASK_INVESTIGATE = "investigate";
  static final String TASK_SUMMARIZE = "summarize";
  static final String KIND_FINDING = "finding";
  static final String EVENT_COMPLETE = "workflow-complete";

  /** The capability of the agents that fact-check claims (a task, see {@link Researcher}). */
  static final String CAPABILITY_FACT_CHECK = "fact-check";

  static final String CLAIMS = "claims";

  private Knowledge() {}

  static String text(Spore spore, String key) {
    Map<String, Object> k = spore.knowledge();
    Object v = k == null ? null : k.get(key);
    return v == null ? null : v.toString();
  }

  static boolean is(Spore spore, String key, String value) {
    return value.equals(text(spore, key));
  }

  static List<String> strings(Map<String, Object> knowledge, String key) {
    Object v = knowledge == null ? null : knowledge.get(key);
    if (!(v instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(String::valueOf).toList();
  }

  /**
   * The answer to a request, as {@code ReefChannel.reply} builds it (directed to the requester,
   * {@code reply_to} and causation set to the request's id, correlation, trace and run ids carried
   * over), built here so that the demo can print it before publishing.
   */
  static Spore reply(Spore request, String from, Map<String, Object> knowledge) {
    return Spore.builder()
        .type(SporeType.RESPONSE)
        .fromAgent(from)
        .toAgent(request.fromAgent())
        .replyTo(request.id())
        .causationId(request.id())
        .correlationId(request.correlationId())
        .traceId(request.traceId())
        .runId(request.runId())
        .knowledge(knowledge)
        .build();
  }

  static CompletionStage<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
