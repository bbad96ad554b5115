package dev.reef.observe;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import org.jspecify.annotations.Nullable;

/**
 * The instrumentation hook of a reef: metrics and tracing bridges implement it (see {@code
 * reef-micrometer}) and register it with {@link dev.reef.ReefOptions.Builder#observer}. Every
 * method has a default that does nothing, so an implementation overrides what it needs and keeps
 * compiling when methods are added.
 *
 * <p>Calls come from the reef's and the backend's threads, concurrently: implementations are
 * thread-safe, fast, and do not block. An exception thrown by a callback (or by the returned
 * observation) is logged, throttled, and ignored: it never fails a publish, a delivery or an ask. A
 * reef without observers calls nothing and allocates nothing for them.
 *
 * <p>Order for one spore sent by A and handled by B: {@code onPublish} (A's thread, before the
 * backend publish) → {@code onSporeEvent(SENT)} and the publish observation's stop (when the
 * backend accepted it) → {@code onSporeEvent(DELIVERED)} and {@code onHandle} (B's consumer thread;
 * the scope open around the handlers) → the handler observation's stop → {@code
 * onSporeEvent(HANDLED)} (or {@code RETRIED} / {@code DEAD_LETTERED}).
 */
public interface ReefObserver {
  /**
   * The reef was created with this observer; called once, at the end of its construction. A metrics
   * observer registers its gauges here (for example on {@link Reef#stats()}).
   *
   * @param reef the reef
   */
  default void onStart(Reef reef) {}

  /**
   * Every {@link SporeEvent} the reef counts in {@link Reef#stats()}, as it is counted: sent,
   * delivered, handled, retried, dead-lettered, expired, rejected and the rest.
   *
   * @param event what happened
   * @param channel the channel, or null for events not about a channel ({@link
   *     SporeEvent#BROKER_BLOCKED})
   * @param agent the agent counted (the sender for sends, the receiver for deliveries), or null
   * @param spore the spore, or null where the event carries none (for example malformed input, a
   *     denial counted before a spore existed, a duplicate)
   * @param error the failure for failure events, else null
   */
  default void onSporeEvent(
      SporeEvent event,
      @Nullable String channel,
      @Nullable String agent,
      @Nullable Spore spore,
      @Nullable Throwable error) {}

  /**
   * A spore passed the reef's checks and is about to be published; the observer may add headers
   * ({@link PublishContext#setHeader}). The observation stops when the backend accepted the spore
   * (success: for AMQP the broker's confirm) or the publish failed.
   *
   * @param context the publish
   * @return the observation; never null ({@link ReefObservation#NOOP} to record nothing)
   */
  default ReefObservation onPublish(PublishContext context) {
    return ReefObservation.NOOP;
  }

  /**
   * A spore is about to be handed to an agent's handlers (not for responses taken by an open ask,
   * duplicates, or a mailbox without handlers). The reef opens the observation's scope around the
   * synchronous invocation of the handlers and stops it when they all finished (async handlers
   * included): success if all succeeded, else failure with the first failure.
   *
   * @param context the delivery
   * @return the observation; never null
   */
  default ReefObservation onHandle(HandlerContext context) {
    return ReefObservation.NOOP;
  }

  /**
   * An {@code ask} passed the reef's checks and is about to publish its request.
   *
   * @param context the ask
   * @return the observation; never null
   */
  default ReefObservation onAsk(AskContext context) {
    return ReefObservation.NOOP;
  }

  /**
   * The reef closed (after its backend closed); called once.
   *
   * @param reef the reef
   */
  default void onClose(Reef reef) {}
}
