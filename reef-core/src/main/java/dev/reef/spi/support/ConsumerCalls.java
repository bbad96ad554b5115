package dev.reef.spi.support;

import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.spi.MailboxConsumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Calls a {@link MailboxConsumer} under the SPI's rules, so that every backend treats a consumer's
 * exception and a {@code null} stage alike: both are a failed attempt (see {@link
 * MailboxConsumer#deliver}). An {@link Error} is not caught. SPI support.
 */
public final class ConsumerCalls {
  private ConsumerCalls() {}

  /**
   * Hands a spore to a consumer.
   *
   * @param consumer the consumer
   * @param spore the spore
   * @param attempt the delivery attempt, from 1
   * @return the consumer's stage; a failed stage if {@code deliver} threw an exception (failed with
   *     it) or returned {@code null} (failed with a {@link ReefException} that says so); never null
   */
  public static CompletionStage<?> deliver(MailboxConsumer consumer, Spore spore, int attempt) {
    CompletionStage<?> stage;
    try {
      stage = consumer.deliver(spore, attempt);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      return CompletableFuture.failedFuture(nullStage(consumer, spore, attempt));
    }
    return stage;
  }

  private static ReefException nullStage(MailboxConsumer consumer, Spore spore, int attempt) {
    return new ReefException(
        "the MailboxConsumer "
            + consumer.getClass().getName()
            + " returned a null stage for spore "
            + spore.id()
            + " (attempt "
            + attempt
            + "): a consumer bug, counted as a failed attempt");
  }
}
