package dev.reef;

/**
 * A synchronous handler of spores delivered to an agent. The spore is settled when every handler of
 * the agent has returned normally; a thrown exception counts as a failed attempt (redelivery with
 * backoff, then a dead letter). Called from a backend thread; one mailbox's handlers run one spore
 * at a time unless the backend is configured otherwise.
 */
@FunctionalInterface
public interface SporeHandler {
  /**
   * Handles one spore.
   *
   * @param spore the delivered spore
   * @throws Exception to fail this delivery attempt
   */
  void handle(Spore spore) throws Exception;
}
