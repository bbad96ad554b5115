package dev.reef;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Reef throws or completes a future with. Unchecked.
 *
 * <p>Specific subtypes: {@link SporeValidationException} (bad input), {@link UnknownAgentException}
 * (directed spore to an agent without a mailbox), {@link RequestTimeoutException} (an {@code ask}
 * passed its deadline), {@link ReefClosedException} (the reef or backend is closed), {@link
 * UnauthorizedException} (the authorization hook or a rate limit refused an action), {@link
 * MailboxFullException} (a bounded mailbox rejected a spore) and {@link PublishException} (the
 * transport did not accept a spore).
 */
public class ReefException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public ReefException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public ReefException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
