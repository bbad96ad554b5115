package dev.reef;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous handler: the spore is settled when the returned stage (and every other handler of
 * the agent) completes normally; an exceptional completion counts as a failed attempt.
 */
@FunctionalInterface
public interface AsyncSporeHandler {
  /**
   * Starts handling one spore.
   *
   * @param spore the delivered spore
   * @return a stage completing when the spore is handled; never null
   */
  CompletionStage<?> handle(Spore spore);
}
