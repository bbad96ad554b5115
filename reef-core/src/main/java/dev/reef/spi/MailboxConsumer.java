package dev.reef.spi;

import dev.reef.Spore;
import java.util.concurrent.CompletionStage;

/**
 * Receives the spores of one mailbox. The backend settles (acknowledges) a spore only when the
 * returned stage completes normally; an exceptional completion, or an exception thrown by {@link
 * #deliver}, counts as a failed attempt.
 */
@FunctionalInterface
public interface MailboxConsumer {
  /**
   * Handles one delivery.
   *
   * @param spore the spore
   * @param attempt the delivery attempt, starting at 1
   * @return a stage that completes when the spore has been handled
   */
  CompletionStage<?> deliver(Spore spore, int attempt);
}
