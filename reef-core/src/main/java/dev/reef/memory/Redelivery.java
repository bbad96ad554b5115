package dev.reef.memory;

import dev.reef.Spore;

/**
 * A mailbox entry for a spore on its second or later attempt. First attempts are queued as the bare
 * {@link Spore}, so the common path allocates nothing per spore.
 */
record Redelivery(Spore spore, int attempt, String lastError) {}
