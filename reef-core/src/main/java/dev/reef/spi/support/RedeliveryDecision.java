package dev.reef.spi.support;

import dev.reef.RetryPolicy;
import dev.reef.spi.DeadLetterException;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetteredException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a backend does after a failed delivery attempt: deliver again after a backoff, or
 * dead-letter the spore with {@link DeadLetterReason#HANDLER_FAILED}. Computed from the backend's
 * {@link RetryPolicy} and the attempt, the same way in every backend. Immutable. SPI support.
 */
public final class RedeliveryDecision {
  private final boolean retry;
  private final int failedAttempt;
  private final Duration backoff;
  private final DeadLetterReason reason;

  private RedeliveryDecision(
      boolean retry, int failedAttempt, Duration backoff, DeadLetterReason reason) {
    this.retry = retry;
    this.failedAttempt = failedAttempt;
    this.backoff = backoff;
    this.reason = reason;
  }

  /**
   * The decision after attempt {@code failedAttempt} failed.
   *
   * @param policy the backend's retry policy
   * @param failedAttempt the attempt that failed, from 1
   * @return retry (with the policy's backoff) while the policy allows another attempt, else
   *     dead-letter
   */
  public static RedeliveryDecision afterFailure(RetryPolicy policy, int failedAttempt) {
    Objects.requireNonNull(policy, "policy");
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("failedAttempt must be >= 1, was " + failedAttempt);
    }
    return policy.shouldRetry(failedAttempt)
        ? new RedeliveryDecision(
            true, failedAttempt, policy.backoff(failedAttempt), DeadLetterReason.HANDLER_FAILED)
        : new RedeliveryDecision(
            false, failedAttempt, Duration.ZERO, DeadLetterReason.HANDLER_FAILED);
  }

  /**
   * The decision after attempt {@code failedAttempt} failed with {@code failure}: as {@link
   * #afterFailure(RetryPolicy, int)}, except that a {@link DeadLetterException} (unwrapped from
   * completion wrappers) dead-letters at once with its own reason.
   *
   * @param policy the backend's retry policy
   * @param failedAttempt the attempt that failed, from 1
   * @param failure the failure the consumer reported
   * @return the decision
   */
  public static RedeliveryDecision afterFailure(
      RetryPolicy policy, int failedAttempt, @Nullable Throwable failure) {
    RedeliveryDecision byPolicy = afterFailure(policy, failedAttempt);
    Throwable cause = failure == null ? null : Failures.unwrap(failure);
    if (cause instanceof DeadLetterException) {
      return new RedeliveryDecision(
          false, failedAttempt, Duration.ZERO, ((DeadLetterException) cause).reason());
    }
    return byPolicy;
  }

  /**
   * The reason to dead-letter with when not retrying.
   *
   * @return {@link DeadLetterReason#HANDLER_FAILED}, or a {@link DeadLetterException}'s reason
   */
  public DeadLetterReason reason() {
    return reason;
  }

  /**
   * Whether the spore is to be delivered again.
   *
   * @return true to retry, false to dead-letter
   */
  public boolean retry() {
    return retry;
  }

  /**
   * The attempt that failed; when dead-lettering, the number of attempts made.
   *
   * @return from 1
   */
  public int failedAttempt() {
    return failedAttempt;
  }

  /**
   * The number of the next attempt.
   *
   * @return {@link #failedAttempt()} + 1
   */
  public int nextAttempt() {
    return failedAttempt + 1;
  }

  /**
   * How long to wait before the next attempt.
   *
   * @return the policy's backoff when retrying, else zero
   */
  public Duration backoff() {
    return backoff;
  }

  /**
   * The error to report with {@link dev.reef.SporeEvent#DEAD_LETTERED} when the spore is given up:
   * the {@link #reason()}, the attempts, and the failure (unwrapped from completion wrappers) as
   * its cause and text.
   *
   * @param failure the last failure, as the consumer's stage reported it
   * @return the error
   */
  public DeadLetteredException deadLetterError(Throwable failure) {
    Throwable cause = Failures.unwrap(Objects.requireNonNull(failure, "failure"));
    return new DeadLetteredException(reason, failedAttempt, Failures.describe(cause), cause);
  }

  @Override
  public String toString() {
    return retry
        ? "retry attempt " + nextAttempt() + " after " + backoff
        : "dead-letter after " + failedAttempt + " attempt(s)";
  }
}
