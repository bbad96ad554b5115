package dev.reef.spi;

import dev.reef.Spore;
import java.util.concurrent.CompletionStage;

/**
 * Receives the spores of one mailbox. The backend settles (acknowledges) a spore only when the
 * returned stage completes normally. A failed attempt is any of: the stage completes exceptionally,
 * {@link #deliver} throws an exception, or {@link #deliver} returns {@code null}. A {@code null}
 * stage is a consumer bug: the backend never takes it for success (never a silent acknowledgement);
 * it counts as a failed attempt with a {@link dev.reef.ReefException} saying so, retried under the
 * backend's {@link dev.reef.RetryPolicy} and then dead-lettered with {@link
 * DeadLetterReason#HANDLER_FAILED} like any failure. Backends apply these rules through {@link
 * dev.reef.spi.support.ConsumerCalls#deliver}. An {@link Error} thrown by {@link #deliver} is not
 * caught as a failed attempt.
 */
@FunctionalInterface
public interface MailboxConsumer {
  /**
   * Handles one delivery.
   *
   * @param spore the spore
   * @param attempt the delivery attempt, starting at 1
   * @return a stage that completes when the spore has been handled; never null ({@code null} is a
   *     failed attempt)
   */
  CompletionStage<?> deliver(Spore spore, int attempt);
}
