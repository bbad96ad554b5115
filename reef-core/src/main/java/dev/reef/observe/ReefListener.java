package dev.reef.observe;

import dev.reef.Spore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What an operator wants to react to, reported by a reef: connection state changes, spores that did
 * not reach a handler or needed another attempt, asks that timed out, broker flow control, deleted
 * mailboxes. Register with {@link dev.reef.ReefOptions.Builder#listener}; several listeners are
 * called in registration order. The same events are counted in {@link dev.reef.Reef#stats()}.
 *
 * <p>Every method does nothing by default, so a listener overrides what it needs and keeps
 * compiling when methods are added. Calls come from the reef's and the backend's threads, possibly
 * concurrently: a listener is thread-safe, fast, and does not block (hand slow work to an executor
 * of its own). An exception it throws is logged (throttled) and ignored: it never breaks a delivery
 * or a publish.
 */
public interface ReefListener {
  /**
   * A backend connection changed state. Every reef reports {@link ConnectionState#CONNECTED} once
   * its backend started and {@link ConnectionState#CLOSED} once it closed, with {@code connection}
   * null (the backend as a whole); the AMQP backend also reports {@link ConnectionState#LOST},
   * {@link ConnectionState#RECOVERING}, {@link ConnectionState#RECOVERED}, {@link
   * ConnectionState#BLOCKED} and {@link ConnectionState#UNBLOCKED} per connection.
   *
   * @param state the new state
   * @param connection the connection's name (for AMQP, the client-provided name the broker shows),
   *     or null for the backend as a whole
   * @param detail why, for example the broker's reason for blocking or the loss's cause; or null
   *     (never a credential)
   */
  default void onConnectionStateChanged(
      ConnectionState state, @Nullable String connection, @Nullable String detail) {}

  /**
   * A handler failed and the spore will be delivered again after a backoff.
   *
   * @param channel the channel
   * @param agent the receiving agent
   * @param spore the spore
   * @param error the handler's failure
   */
  default void onSporeRetried(String channel, String agent, Spore spore, Throwable error) {}

  /**
   * A spore was moved to the dead letters because its handlers failed on every attempt (or a
   * handler terminated it, or the backend could not read it); see {@code DeadLetteredException} in
   * {@code error} for the reason and attempts. Expired and malformed spores have their own methods.
   *
   * @param channel the channel
   * @param agent the receiving agent
   * @param spore the spore, or null if it could not be read
   * @param error why: a {@code dev.reef.spi.DeadLetteredException} naming the reason and attempts,
   *     with the last failure as its cause; or null
   */
  default void onSporeDeadLettered(
      String channel, String agent, @Nullable Spore spore, @Nullable Throwable error) {}

  /**
   * A spore expired before it reached a handler and was not handed to one (a late response to an
   * ended ask counts too).
   *
   * @param channel the channel
   * @param agent the agent whose mailbox held it
   * @param spore the spore, or null where the backend does not have it
   */
  default void onSporeExpired(String channel, String agent, @Nullable Spore spore) {}

  /**
   * A full mailbox rejected a spore ({@link dev.reef.MailboxFullException}), or a full mailbox with
   * the drop-oldest policy discarded its oldest spore.
   *
   * @param channel the channel
   * @param agent the agent whose mailbox was full
   * @param spore the spore rejected or dropped, or null
   * @param error the rejection, or null
   */
  default void onSporeRejected(
      String channel, String agent, @Nullable Spore spore, @Nullable Throwable error) {}

  /**
   * A message from the wire could not be read as a spore; it was dead-lettered.
   *
   * @param channel the channel
   * @param agent the agent whose mailbox held it, or null
   * @param error what was wrong (never the payload)
   */
  default void onSporeMalformed(String channel, @Nullable String agent, Throwable error) {}

  /**
   * An {@code ask} timed out without an answer (its future failed with {@link
   * dev.reef.RequestTimeoutException}).
   *
   * @param channel the channel
   * @param asker the asking agent
   * @param requestId the request's id
   * @param timeout the ask's timeout
   */
  default void onAskTimedOut(String channel, String asker, String requestId, Duration timeout) {}

  /**
   * A mailbox this reef consumes was deleted under its consumer (by an operator or another
   * application); the backend declares and consumes it again, empty.
   *
   * @param channel the channel
   * @param agent the agent
   */
  default void onMailboxDeleted(String channel, String agent) {}
}
