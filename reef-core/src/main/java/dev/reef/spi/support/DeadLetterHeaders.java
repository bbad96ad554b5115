package dev.reef.spi.support;

import dev.reef.spi.DeadLetterReason;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The headers of a dead-letter copy on a header-carrying transport (AMQP): the original headers
 * plus why, the error, the attempts and where the message was. SPI support.
 */
public final class DeadLetterHeaders {
  /** The {@link DeadLetterReason#wireName()}: {@value}. */
  public static final String REASON = "x-reef-dead-reason";

  /** The last failure as text, bounded to {@link #MAX_ERROR_CHARS}, empty if none: {@value}. */
  public static final String ERROR = "x-reef-error";

  /** How many deliveries were tried: {@value}. */
  public static final String ATTEMPTS = "x-reef-attempts";

  /** The mailbox queue the message was dead-lettered from, where it reached one: {@value}. */
  public static final String QUEUE = "x-reef-queue";

  /** The exchange the message was published to: {@value}. */
  public static final String EXCHANGE = "x-reef-exchange";

  /** The routing key the message was published with: {@value}. */
  public static final String ROUTING_KEY = "x-reef-routing-key";

  /** The longest error text a dead letter carries: {@value} characters. */
  public static final int MAX_ERROR_CHARS = 4000;

  private DeadLetterHeaders() {}

  /**
   * A copy of the original headers with the dead-letter headers added.
   *
   * @param original the message's headers, or null
   * @param reason why
   * @param error the last failure as text, or null
   * @param attempts how many deliveries were tried
   * @param queue the mailbox queue, or null when the message reached none
   * @param exchange the exchange it was published to
   * @param routingKey the routing key it was published with
   * @return a new mutable map
   */
  public static Map<String, Object> of(
      Map<String, Object> original,
      DeadLetterReason reason,
      String error,
      int attempts,
      String queue,
      String exchange,
      String routingKey) {
    Objects.requireNonNull(reason, "reason");
    Map<String, Object> headers = original == null ? new HashMap<>() : new HashMap<>(original);
    headers.put(REASON, reason.wireName());
    headers.put(ERROR, error == null ? "" : Failures.bounded(error, MAX_ERROR_CHARS));
    headers.put(ATTEMPTS, attempts);
    if (queue != null) {
      headers.put(QUEUE, queue);
    }
    headers.put(EXCHANGE, exchange);
    headers.put(ROUTING_KEY, routingKey);
    return headers;
  }
}
