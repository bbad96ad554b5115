package dev.reef;

/**
 * The authorization hook ({@link ReefAuthorizer}) denied an action, or the agent exceeded its
 * broadcast rate limit.
 */
public class UnauthorizedException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was denied, and to whom
   */
  public UnauthorizedException(String message) {
    super(message);
  }
}
