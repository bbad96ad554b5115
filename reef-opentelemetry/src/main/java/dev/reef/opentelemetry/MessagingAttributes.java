package dev.reef.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attribute keys used: the OpenTelemetry messaging semantic conventions (spelled out here
 * so that the module needs no semconv artifact), plus Reef's own under {@code reef.}.
 */
final class MessagingAttributes {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<String> ROUTING_KEY =
      AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");

  static final AttributeKey<String> SPORE_TYPE = AttributeKey.stringKey("reef.spore.type");
  static final AttributeKey<String> FROM_AGENT = AttributeKey.stringKey("reef.from_agent");
  static final AttributeKey<String> TO_AGENT = AttributeKey.stringKey("reef.to_agent");
  static final AttributeKey<String> AGENT = AttributeKey.stringKey("reef.agent");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("reef.delivery.attempt");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("reef.outcome");

  private MessagingAttributes() {}
}
