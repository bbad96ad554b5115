package dev.reef.spi;

import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.observe.ConnectionState;
import org.jspecify.annotations.Nullable;

/**
 * Receives what a backend observes, so the reef can count it. Called from backend threads; must be
 * fast and must not throw.
 */
@FunctionalInterface
public interface BackendListener {
  /** A listener that ignores everything. */
  BackendListener NONE = (event, channel, agent, spore, error) -> {};

  /**
   * Reports one event.
   *
   * @param event what happened
   * @param channel the channel
   * @param agent the agent the event concerns (the receiver for deliveries, the sender for sends)
   * @param spore the spore, or null where it could not be read (for example malformed input)
   * @param error the failure, or null; for {@link SporeEvent#DEAD_LETTERED} a {@link
   *     DeadLetteredException} naming the {@link DeadLetterReason} and the attempts, with the last
   *     failure as its cause
   */
  void onEvent(
      SporeEvent event,
      String channel,
      String agent,
      @Nullable Spore spore,
      @Nullable Throwable error);

  /**
   * A response came back on the backend's direct reply path (see {@link
   * ReefBackend#publishRequest(String, Spore)}) instead of through the asker's mailbox. The backend
   * has already reported it {@link SporeEvent#DELIVERED}; nothing is acknowledged or retried on
   * this path. The default ignores it.
   *
   * @param channel the channel the request was published on
   * @param response the response
   */
  default void onDirectReply(String channel, Spore response) {}

  /**
   * Responses on the direct reply path can no longer arrive for the requests published with {@link
   * ReefBackend#publishRequest(String, Spore)} so far (for example the connection that would
   * receive them was lost). Requests published afterwards are not affected. The default ignores it.
   *
   * @param reason why, for the error the reef reports
   */
  default void onDirectRepliesLost(String reason) {}

  /**
   * A connection of the backend changed state (lost, recovering, recovered, blocked, unblocked);
   * the reef reports it to its {@link dev.reef.observe.ReefListener}s. The reef itself reports
   * {@link ConnectionState#CONNECTED} and {@link ConnectionState#CLOSED} for the backend as a
   * whole, so a backend need not. Called on a backend callback thread, never one that a blocking
   * call on the connection would wait for. The default ignores it.
   *
   * @param state the new state
   * @param connection the connection's name, or null for the backend as a whole
   * @param detail why (a reason or cause, never a credential), or null
   */
  default void onConnectionState(
      ConnectionState state, @Nullable String connection, @Nullable String detail) {}
}
