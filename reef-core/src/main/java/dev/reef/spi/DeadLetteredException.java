package dev.reef.spi;

import dev.reef.ReefException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The error a backend reports with {@link dev.reef.SporeEvent#DEAD_LETTERED} (see {@link
 * BackendListener#onEvent}): why it gave up on the spore, after how many attempts, and the last
 * failure as the cause. Every backend reports it the same way, so a listener reads the reason
 * without knowing the transport.
 */
public class DeadLetteredException extends ReefException {
  private static final long serialVersionUID = 1L;

  /** The reason; an enum, so serializable. */
  private final DeadLetterReason reason;

  private final int attempts;

  /**
   * Creates the error of one dead letter.
   *
   * @param reason why, not null
   * @param attempts how many deliveries were tried (0 if none reached a consumer)
   * @param message the last failure as text ({@code ClassName: message}), or null
   * @param cause the last failure, or null
   */
  public DeadLetteredException(
      DeadLetterReason reason, int attempts, @Nullable String message, @Nullable Throwable cause) {
    super(
        Objects.requireNonNull(reason, "reason").wireName()
            + " after "
            + attempts
            + " attempt(s)"
            + (message == null ? "" : ": " + message),
        cause);
    this.reason = reason;
    this.attempts = attempts;
  }

  /**
   * Why the spore was dead-lettered.
   *
   * @return the reason
   */
  public DeadLetterReason reason() {
    return reason;
  }

  /**
   * How many deliveries were tried.
   *
   * @return 0 or more
   */
  public int attempts() {
    return attempts;
  }
}
