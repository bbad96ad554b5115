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
   * @param error the failure, or null
   */
  void onEvent(SporeEvent event, String channel, String agent, Spore spore, Throwable error);
}
