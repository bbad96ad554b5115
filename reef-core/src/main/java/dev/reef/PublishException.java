package dev.reef;

import org.jspecify.annotations.Nullable;

/**
 * The transport did not accept a spore: for example the broker negatively confirmed it, the
 * connection was lost before the confirm arrived and the spore could not be republished, or the
 * confirm did not arrive in time.
 */
public class PublishException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed
   */
  public PublishException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public PublishException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
