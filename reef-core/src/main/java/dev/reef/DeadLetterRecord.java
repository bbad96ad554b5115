package dev.reef;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One dead letter, as {@link DeadLetters#list(int)} shows it: the spore a backend gave up on, the
 * mailbox it was in, why, and how often it was tried. Immutable; compared by value.
 */
public final class DeadLetterRecord {
  private final String id;
  private final String channel;
  private final String agent;
  private final Spore spore;
  private final String reason;
  private final String error;
  private final int attempts;

  /**
   * Creates a record (backends build these).
   *
   * @param id the dead letter's id: the spore id, or the message id of a message that could not be
   *     read as a spore; never null
   * @param channel the channel, never null
   * @param agent the agent whose mailbox held it, or null when it reached no mailbox
   * @param spore the spore, or null when the message could not be read as one ({@code malformed})
   * @param reason a {@link dev.reef.spi.DeadLetterReason#wireName()} ({@code handler_failed},
   *     {@code expired}, {@code malformed}, {@code dropped_oldest}), or the broker's own reason for
   *     a message the broker dead-lettered by itself
   * @param error the last failure as text, or null
   * @param attempts how many deliveries were tried, 0 if none
   */
  public DeadLetterRecord(
      String id,
      String channel,
      @Nullable String agent,
      @Nullable Spore spore,
      String reason,
      @Nullable String error,
      int attempts) {
    this.id = Objects.requireNonNull(id, "id");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.agent = agent;
    this.spore = spore;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.error = error;
    this.attempts = attempts;
  }

  /**
   * The id {@link DeadLetters#replay(String)} takes: the spore's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * The channel.
   *
   * @return the channel name
   */
  public String channel() {
    return channel;
  }

  /**
   * The agent whose mailbox held the spore.
   *
   * @return the agent, or null when the spore reached no mailbox (expired at publish)
   */
  public @Nullable String agent() {
    return agent;
  }

  /**
   * The spore, unchanged.
   *
   * @return the spore, or null when the message could not be read as one
   */
  public @Nullable Spore spore() {
    return spore;
  }

  /**
   * Why: one of the unified {@link dev.reef.spi.DeadLetterReason} wire names.
   *
   * @return for example {@code handler_failed}
   */
  public String reason() {
    return reason;
  }

  /**
   * The last failure as text ({@code ClassName: message}).
   *
   * @return the error, or null if none
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

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DeadLetterRecord)) {
      return false;
    }
    DeadLetterRecord d = (DeadLetterRecord) o;
    return attempts == d.attempts
        && id.equals(d.id)
        && channel.equals(d.channel)
        && Objects.equals(agent, d.agent)
        && Objects.equals(spore, d.spore)
        && reason.equals(d.reason)
        && Objects.equals(error, d.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, channel, agent, spore, reason, error, attempts);
  }

  @Override
  public String toString() {
    return "DeadLetterRecord[id="
        + id
        + ", channel="
        + channel
        + ", agent="
        + agent
        + ", reason="
        + reason
        + ", error="
        + error
        + ", attempts="
        + attempts
        + "]";
  }
}
