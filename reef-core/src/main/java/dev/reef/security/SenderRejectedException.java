package dev.reef.security;

import dev.reef.spi.DeadLetterException;
import dev.reef.spi.DeadLetterReason;

/**
 * The receiving reef's {@link SenderVerification} refused a spore: it is dead-lettered at once with
 * the {@link #reason()} ({@link DeadLetterReason#UNAUTHORIZED} or {@link
 * DeadLetterReason#BAD_SIGNATURE}), counted, and never handled.
 */
public class SenderRejectedException extends DeadLetterException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the refusal.
   *
   * @param reason {@link DeadLetterReason#UNAUTHORIZED} or {@link DeadLetterReason#BAD_SIGNATURE}
   * @param message why, naming the user, agent or key (never key material)
   */
  public SenderRejectedException(DeadLetterReason reason, String message) {
    super(reason, message);
  }
}
