package dev.reef;

import java.time.Duration;

/** An {@code ask} or {@code gather} reached its deadline without the reply it waited for. */
public class RequestTimeoutException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final transient Duration timeout;

  /**
   * Creates an exception.
   *
   * @param requestId the id of the request spore
   * @param timeout the timeout that passed
   */
  public RequestTimeoutException(String requestId, Duration timeout) {
    super("no response to request " + requestId + " within " + timeout);
    this.requestId = requestId;
    this.timeout = timeout;
  }

  /**
   * The id of the unanswered request.
   *
   * @return the request spore id
   */
  public String requestId() {
    return requestId;
  }

  /**
   * The timeout that passed.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }
}
