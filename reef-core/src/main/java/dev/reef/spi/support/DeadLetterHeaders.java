package dev.reef.spi.support;

import dev.reef.spi.DeadLetterReason;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The headers of a dead-letter copy on a header-carrying transport (AMQP): the original headers
 * plus why, the error, the attempts and where the message was. SPI support.
 */
public final class DeadLetterHeaders {
  /** The {@link DeadLetterReason#wireName()}: {@value}. */
  public static final String REASON = "x-reef-dead-reason";

  /** The last failure as text, bounded to {@link #MAX_ERROR_CHARS}, empty if none: {@value}. */
  public static final String ERROR = "x-reef-error";

  /**
   * How many deliveries were tried (on a live message: its attempt; a replayed copy starts again at
   * 1): {@value}.
   */
  public static final String ATTEMPTS = "x-reef-attempts";

  /** The mailbox queue the message was dead-lettered from, where it reached one: {@value}. */
  public static final String QUEUE = "x-reef-queue";

  /**
   * The exchange the message was first published to (its original route, kept through retries):
   * {@value}.
   */
  public static final String EXCHANGE = "x-reef-exchange";

  /**
   * The routing key the message was first published with (for example {@code agent.<to>.<type>}):
   * {@value}.
   */
  public static final String ROUTING_KEY = "x-reef-routing-key";

  /** The Reef channel of the message: {@value}. */
  public static final String CHANNEL = "x-reef-channel";

  /**
   * On a retry copy (republished straight to its mailbox queue): the exchange the message was first
   * published to: {@value}.
   */
  public static final String ORIGINAL_EXCHANGE = "x-reef-original-exchange";

  /** On a retry copy: the routing key the message was first published with: {@value}. */
  public static final String ORIGINAL_ROUTING_KEY = "x-reef-original-routing-key";

  /** The headers a broker adds when it dead-letters a message itself. */
  private static final String[] BROKER_HEADERS = {
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason"
  };

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
   * @param channel the Reef channel
   * @param queue the mailbox queue, or null when the message reached none
   * @param exchange the exchange it was delivered from; replaced by {@link #ORIGINAL_EXCHANGE} when
   *     the original headers carry it (a retry copy)
   * @param routingKey the routing key it was delivered with; replaced by {@link
   *     #ORIGINAL_ROUTING_KEY} likewise
   * @return a new mutable map
   */
  public static Map<String, Object> of(
      @Nullable Map<String, Object> original,
      DeadLetterReason reason,
      @Nullable String error,
      int attempts,
      String channel,
      @Nullable String queue,
      String exchange,
      String routingKey) {
    Objects.requireNonNull(reason, "reason");
    Map<String, Object> headers = original == null ? new HashMap<>() : new HashMap<>(original);
    Object firstExchange = headers.remove(ORIGINAL_EXCHANGE);
    Object firstRoutingKey = headers.remove(ORIGINAL_ROUTING_KEY);
    headers.put(REASON, reason.wireName());
    headers.put(ERROR, error == null ? "" : Failures.bounded(error, MAX_ERROR_CHARS));
    headers.put(ATTEMPTS, attempts);
    headers.put(CHANNEL, channel);
    if (queue != null) {
      headers.put(QUEUE, queue);
    }
    headers.put(EXCHANGE, firstExchange != null ? firstExchange.toString() : exchange);
    headers.put(ROUTING_KEY, firstRoutingKey != null ? firstRoutingKey.toString() : routingKey);
    return headers;
  }

  /**
   * The headers of a retry copy: the original headers, the next attempt, and the original route
   * (kept from an earlier retry copy, else the delivery's exchange and routing key).
   *
   * @param original the delivered message's headers, or null
   * @param nextAttempt the attempt the copy is for
   * @param exchange the exchange the message was delivered from
   * @param routingKey the routing key it was delivered with
   * @return a new mutable map
   */
  public static Map<String, Object> retry(
      @Nullable Map<String, Object> original, int nextAttempt, String exchange, String routingKey) {
    Map<String, Object> headers = original == null ? new HashMap<>() : new HashMap<>(original);
    headers.put(ATTEMPTS, nextAttempt);
    headers.putIfAbsent(ORIGINAL_EXCHANGE, exchange);
    headers.putIfAbsent(ORIGINAL_ROUTING_KEY, routingKey);
    return headers;
  }

  /**
   * The headers of a replayed copy: the dead letter's headers without the dead-letter and broker
   * dead-letter headers, so that it starts again at attempt 1.
   *
   * @param deadLetter the dead letter's headers, or null
   * @return a new mutable map
   */
  public static Map<String, Object> replayed(@Nullable Map<String, Object> deadLetter) {
    Map<String, Object> headers = deadLetter == null ? new HashMap<>() : new HashMap<>(deadLetter);
    for (String h :
        new String[] {
          REASON,
          ERROR,
          ATTEMPTS,
          CHANNEL,
          QUEUE,
          EXCHANGE,
          ROUTING_KEY,
          ORIGINAL_EXCHANGE,
          ORIGINAL_ROUTING_KEY
        }) {
      headers.remove(h);
    }
    for (String h : BROKER_HEADERS) {
      headers.remove(h);
    }
    return headers;
  }
}
