package dev.reef.observe;

import dev.reef.Spore;
import java.time.Duration;

/**
 * An {@code ask} about to publish its request, given to {@link ReefObserver#onAsk}. The observation
 * stops when the ask's future completes: {@link Outcome#SUCCESS} with the answer, {@link
 * Outcome#TIMEOUT} at its timeout, {@link Outcome#FAILURE} otherwise. The request's own publish is
 * observed separately ({@link ReefObserver#onPublish}, with {@link PublishContext#isAskRequest()}).
 */
public interface AskContext {
  /**
   * The channel asked on.
   *
   * @return a channel name
   */
  String channel();

  /**
   * The request.
   *
   * @return the request spore
   */
  Spore request();

  /**
   * The ask's timeout.
   *
   * @return positive
   */
  Duration timeout();
}
