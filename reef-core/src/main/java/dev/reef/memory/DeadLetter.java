package dev.reef.memory;

import dev.reef.Spore;
import dev.reef.spi.DeadLetterReason;
import java.util.Objects;
import java.util.Optional;

/**
 * A spore the in-memory backend gave up on, as listed by {@link InMemoryBackend#deadLetters()}.
 * Immutable.
 *
 * @param channel the channel of the mailbox
 * @param agent the agent whose mailbox held the spore
 * @param spore the spore, unchanged
 * @param reason why, the {@link DeadLetterReason#wireName()} of a {@link DeadLetterReason} (the
 *     same names the AMQP backend writes): {@value #REASON_EXPIRED}, {@value
 *     #REASON_HANDLER_FAILED} or {@value #REASON_DROPPED_OLDEST}
 * @param error the last handler error as text ({@code ClassName: message}), or null when no handler
 *     failed
 * @param attempts how many deliveries were tried (0 if the spore never reached a handler)
 */
public record DeadLetter(
    String channel, String agent, Spore spore, String reason, String error, int attempts) {

  /** {@link DeadLetterReason#EXPIRED}: a spore that expired before reaching a handler: {@value}. */
  public static final String REASON_EXPIRED = "expired";

  /** {@link DeadLetterReason#HANDLER_FAILED}: handlers failed on every attempt: {@value}. */
  public static final String REASON_HANDLER_FAILED = "handler_failed";

  /**
   * {@link DeadLetterReason#DROPPED_OLDEST}: discarded by {@link OverflowPolicy#DROP_OLDEST}:
   * {@value}.
   */
  public static final String REASON_DROPPED_OLDEST = "dropped_oldest";

  /**
   * Checks the required fields.
   *
   * @throws NullPointerException if channel, agent, spore or reason is null
   */
  public DeadLetter {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(spore, "spore");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * The {@link #reason()} as the SPI's reason.
   *
   * @return the reason, or empty if {@link #reason()} is not one of the SPI's wire names (a dead
   *     letter built by hand)
   */
  public Optional<DeadLetterReason> deadLetterReason() {
    return DeadLetterReason.fromWireName(reason);
  }
}
