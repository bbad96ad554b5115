package dev.reef.memory;

import dev.reef.Spore;

/**
 * A mailbox entry for a spore on its second or later attempt. First attempts are queued as the bare
 * {@link Spore}, so the common path allocates nothing per spore. Identity matters (pending retries
 * are tracked per entry), so this is a class with identity equality, not a record.
 */
final class Redelivery {
  private final Spore spore;
  private final int attempt;
  private final String lastError;

  Redelivery(Spore spore, int attempt, String lastError) {
    this.spore = spore;
    this.attempt = attempt;
    this.lastError = lastError;
  }

  Spore spore() {
    return spore;
  }

  int attempt() {
    return attempt;
  }

  String lastError() {
    return lastError;
  }
}
