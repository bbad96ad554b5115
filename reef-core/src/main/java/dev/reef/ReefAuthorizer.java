package dev.reef;

/**
 * An optional hook that guards send, broadcast and subscribe. A denial fails the action with {@link
 * UnauthorizedException} and is counted as {@link SporeEvent#DENIED}. Called on the caller's
 * thread; must be thread-safe and fast. An exception thrown by the hook counts as a denial.
 */
@FunctionalInterface
public interface ReefAuthorizer {
  /** Allows everything (the default). */
  ReefAuthorizer ALLOW_ALL = request -> true;

  /**
   * Decides one request.
   *
   * @param request what is asked
   * @return true to allow
   */
  boolean allow(AuthorizationRequest request);
}
