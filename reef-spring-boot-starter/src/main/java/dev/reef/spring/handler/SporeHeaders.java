package dev.reef.spring.handler;

import dev.reef.Spore;

/** A spore's envelope fields by their JSON names, for {@link dev.reef.spring.ReefHeader}. */
final class SporeHeaders {
  private SporeHeaders() {}

  static Object get(Spore spore, String name) {
    switch (name) {
      case "id":
        return spore.id();
      case "spore_type":
        return spore.type().wireName();
      case "from_agent":
        return spore.fromAgent();
      case "to_agent":
        return spore.toAgent();
      case "reply_to":
        return spore.replyTo();
      case "correlation_id":
        return spore.correlationId();
      case "causation_id":
        return spore.causationId();
      case "trace_id":
        return spore.traceId();
      case "run_id":
        return spore.runId();
      case "idempotency_key":
        return spore.idempotencyKey();
      case "schema_version":
        return spore.schemaVersion();
      case "created_at":
        return spore.createdAt();
      case "expires_at":
        return spore.expiresAt();
      case "priority":
        return spore.priority();
      default:
        return spore.metadata().get(name);
    }
  }
}
