package dev.reef.memory;

import dev.reef.Spore;
import dev.reef.spi.DeadLetterReason;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A spore the in-memory backend gave up on, as listed by {@link InMemoryBackend#deadLetters()}.
 * Immutable; built only by the backend (no public constructor), compared by value.
 */
public final class DeadLetter {

  /** {@link DeadLetterReason#EXPIRED}: a spore that expired before reaching a handler: {@value}. */
  public static final String REASON_EXPIRED = "expired";

  /** {@link DeadLetterReason#HANDLER_FAILED}: handlers failed on every attempt: {@value}. */
  public static final String REASON_HANDLER_FAILED = "handler_failed";

  /**
   * {@link DeadLetterReason#DROPPED_OLDEST}: discarded by {@link OverflowPolicy#DROP_OLDEST}:
   * {@value}.
   */
  public static final String REASON_DROPPED_OLDEST = "dropped_oldest";

  private final String channel;
  private final String agent;
  private final Spore spore;
  private final String reason;
  private final String error;
  private final int attempts;
  private final boolean inMailbox;

  /**
   * A dead letter of a spore that was in the agent's mailbox.
   *
   * @throws NullPointerException if channel, agent, spore or reason is null
   */
  DeadLetter(
      String channel,
      String agent,
      Spore spore,
      String reason,
      @Nullable String error,
      int attempts) {
    this(channel, agent, spore, reason, error, attempts, true);
  }

  /**
   * Checks the required fields.
   *
   * @param inMailbox false for a spore that reached no mailbox (expired at publish)
   * @throws NullPointerException if channel, agent, spore or reason is null
   */
  DeadLetter(
      String channel,
      String agent,
      Spore spore,
      String reason,
      @Nullable String error,
      int attempts,
      boolean inMailbox) {
    this.inMailbox = inMailbox;
    this.channel = Objects.requireNonNull(channel, "channel");
    this.agent = Objects.requireNonNull(agent, "agent");
    this.spore = Objects.requireNonNull(spore, "spore");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.error = error;
    this.attempts = attempts;
  }

  /**
   * The channel of the mailbox.
   *
   * @return the channel name
   */
  public String channel() {
    return channel;
  }

  /**
   * The agent whose mailbox held the spore.
   *
   * @return the agent name
   */
  public String agent() {
    return agent;
  }

  /**
   * The spore, unchanged.
   *
   * @return the spore
   */
  public Spore spore() {
    return spore;
  }

  /**
   * Why, the {@link DeadLetterReason#wireName()} of a {@link DeadLetterReason} (the same names the
   * AMQP backend writes): {@value #REASON_EXPIRED}, {@value #REASON_HANDLER_FAILED}, {@value
   * #REASON_DROPPED_OLDEST} or {@code terminated}.
   *
   * @return the reason's wire name
   */
  public String reason() {
    return reason;
  }

  /**
   * The {@link #reason()} as the SPI's reason.
   *
   * @return the reason, or empty if {@link #reason()} is not one of the SPI's wire names
   */
  public Optional<DeadLetterReason> deadLetterReason() {
    return DeadLetterReason.fromWireName(reason);
  }

  /**
   * The last handler error as text ({@code ClassName: message}).
   *
   * @return the error, or null when no handler failed
   */
  public @Nullable String error() {
    return error;
  }

  /**
   * How many deliveries were tried.
   *
   * @return 0 if the spore never reached a handler
   */
  public int attempts() {
    return attempts;
  }

  /** Whether the spore was in {@link #agent()}'s mailbox (false: it reached no mailbox). */
  boolean inMailbox() {
    return inMailbox;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DeadLetter)) {
      return false;
    }
    DeadLetter d = (DeadLetter) o;
    return attempts == d.attempts
        && channel.equals(d.channel)
        && agent.equals(d.agent)
        && spore.equals(d.spore)
        && reason.equals(d.reason)
        && Objects.equals(error, d.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channel, agent, spore, reason, error, attempts);
  }

  @Override
  public String toString() {
    return "DeadLetter[channel="
        + channel
        + ", agent="
        + agent
        + ", spore="
        + spore.id()
        + ", reason="
        + reason
        + ", error="
        + error
        + ", attempts="
        + attempts
        + "]";
  }
}
