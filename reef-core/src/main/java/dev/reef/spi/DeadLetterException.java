package dev.reef.spi;

import dev.reef.ReefException;
import java.util.Objects;

/**
 * Completes a delivery's stage (or is thrown by {@link MailboxConsumer#deliver}) to have the
 * backend dead-letter the spore at once, with the given reason, instead of retrying it. Used by
 * agent termination ({@link DeadLetterReason#TERMINATED}). Backends honour it through {@link
 * dev.reef.spi.support.RedeliveryDecision#afterFailure(dev.reef.RetryPolicy, int, Throwable)}.
 */
public class DeadLetterException extends ReefException {
  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;

  /**
   * Creates the signal.
   *
   * @param reason the dead-letter reason, for example {@link DeadLetterReason#TERMINATED}
   * @param message what happened, recorded as the dead letter's error
   */
  public DeadLetterException(DeadLetterReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * The dead-letter reason.
   *
   * @return the reason
   */
  public DeadLetterReason reason() {
    return reason;
  }
}
