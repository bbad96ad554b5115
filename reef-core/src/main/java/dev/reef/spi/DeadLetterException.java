package dev.reef.spi;

import dev.reef.ReefException;

/**
 * Completes a delivery's stage (or is thrown by {@link MailboxConsumer#deliver}) to have the
 * backend dead-letter the spore at once, with the given reason, instead of retrying it. Used by
 * agent termination (reason {@value #TERMINATED}).
 */
public class DeadLetterException extends ReefException {
  private static final long serialVersionUID = 1L;

  /** The reason of spores dead-lettered because their agent was terminated. */
  public static final String TERMINATED = "terminated";

  private final String reason;

  /**
   * Creates the signal.
   *
   * @param reason the dead-letter reason, for example {@value #TERMINATED}
   * @param message what happened, recorded as the dead letter's error
   */
  public DeadLetterException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * The reason a failure asks for, or a default.
   *
   * @param failure the failure of a delivery
   * @param otherwise the reason when the failure is not a {@link DeadLetterException}
   * @return the reason
   */
  public static String reasonOr(Throwable failure, String otherwise) {
    return failure instanceof DeadLetterException
        ? ((DeadLetterException) failure).reason()
        : otherwise;
  }

  /**
   * The dead-letter reason.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }
}
