package dev.reef.spi;

import dev.reef.Spore;
import dev.reef.SporeEvent;

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
  void onEvent(SporeEvent event, String channel, String agent, Spore spore, Throwable error);

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
}
