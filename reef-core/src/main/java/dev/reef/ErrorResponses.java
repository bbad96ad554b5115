package dev.reef;

import dev.reef.spi.support.Failures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The error response: how an agent tells an asker that its request finally failed. A {@link
 * SporeType#RESPONSE} spore from the agent asked to the request's {@code from_agent}, with {@code
 * reply_to} the request's id and the knowledge
 *
 * <pre>{@code
 * {"error": {"type": "handler_failed", "message": "IllegalStateException: model backend unavailable"}}
 * }</pre>
 *
 * <p>A response is an error response when its knowledge has exactly the one key {@code error},
 * whose value is an object with a string {@code type} and a string {@code message} (other members
 * of that object, such as Reef's {@code attempts}, are allowed). Any responder, Java or Python, may
 * send one; Praval agents receive it as an ordinary response spore. It never carries a stack trace
 * or the request's knowledge. Immutable helpers; thread-safe.
 */
public final class ErrorResponses {
  /** The one knowledge key of an error response: {@value}. */
  public static final String ERROR = "error";

  /** The error's type member: {@value}. */
  public static final String TYPE = "type";

  /** The error's message member: {@value}. */
  public static final String MESSAGE = "message";

  /** The number of attempts member, in Reef's own error responses: {@value}. */
  public static final String ATTEMPTS = "attempts";

  /** The longest message an error response built by Reef carries: {@value} characters. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  private ErrorResponses() {}

  /**
   * The error response to a request.
   *
   * @param request the request that failed
   * @param type the error's type, e.g. {@code handler_failed}
   * @param message the error's message (bounded to {@value #MAX_MESSAGE_CHARS} characters)
   * @param attempts how many times it was tried, or 0 to leave out
   * @return a response from the request's recipient to its sender, expiring with the request
   */
  public static Spore of(Spore request, String type, @Nullable String message, int attempts) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put(TYPE, type);
    error.put(MESSAGE, message == null ? "" : Failures.bounded(message, MAX_MESSAGE_CHARS));
    if (attempts > 0) {
      error.put(ATTEMPTS, attempts);
    }
    return Spore.builder()
        .type(SporeType.RESPONSE)
        .fromAgent(request.toAgent())
        .toAgent(request.fromAgent())
        .replyTo(request.id())
        .correlationId(request.correlationId())
        .traceId(request.traceId())
        .runId(request.runId())
        .causationId(request.id())
        .expiresAt(request.expiresAt())
        .knowledge(Map.of(ERROR, error))
        .build();
  }

  /**
   * The failure an error response reports.
   *
   * @param response any spore
   * @return the failure, or empty if the spore is not an error response
   */
  public static Optional<RemoteFailureException> failureOf(Spore response) {
    Map<String, Object> knowledge = response.knowledge();
    if (response.type() != SporeType.RESPONSE || knowledge == null || knowledge.size() != 1) {
      return Optional.empty();
    }
    Object error = knowledge.get(ERROR);
    if (!(error instanceof Map)) {
      return Optional.empty();
    }
    Object type = ((Map<?, ?>) error).get(TYPE);
    Object message = ((Map<?, ?>) error).get(MESSAGE);
    if (!(type instanceof String) || !(message instanceof String)) {
      return Optional.empty();
    }
    return Optional.of(
        new RemoteFailureException(
            response.replyTo(), response.fromAgent(), (String) type, (String) message));
  }
}
