package dev.reef;

/**
 * The agent asked could not handle the request, and said so with an error response (see {@link
 * ErrorResponses}): its handler failed on every attempt and the request was dead-lettered, or the
 * request was refused. An {@code ask} fails with it as soon as the error response arrives, instead
 * of at its deadline; a {@code gather} lists it in {@link GatherResult#failures()}.
 *
 * <p>It carries only what the error response says: a type (for Reef's own error responses the
 * {@link dev.reef.spi.DeadLetterReason#wireName()}, e.g. {@code handler_failed}) and a message (the
 * failure's class and message, bounded), never a stack trace or the request's knowledge.
 */
public class RemoteFailureException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final String agent;
  private final String type;
  private final String errorMessage;

  /**
   * Creates an exception.
   *
   * @param requestId the id of the request that failed
   * @param agent the agent that answered with the error
   * @param type the error's type, e.g. {@code handler_failed}
   * @param errorMessage the error's message
   */
  public RemoteFailureException(String requestId, String agent, String type, String errorMessage) {
    super("agent '" + agent + "' failed request " + requestId + " (" + type + "): " + errorMessage);
    this.requestId = requestId;
    this.agent = agent;
    this.type = type;
    this.errorMessage = errorMessage;
  }

  /**
   * The id of the request that failed.
   *
   * @return the request spore id
   */
  public String requestId() {
    return requestId;
  }

  /**
   * The agent that answered with the error.
   *
   * @return the agent name
   */
  public String agent() {
    return agent;
  }

  /**
   * The error's type: for Reef's own error responses a dead-letter reason's wire name ({@code
   * handler_failed}, {@code malformed}, ...); any string a responder chose otherwise.
   *
   * @return the type
   */
  public String type() {
    return type;
  }

  /**
   * The error's message, as the responder wrote it.
   *
   * @return the message, possibly empty
   */
  public String errorMessage() {
    return errorMessage;
  }
}
