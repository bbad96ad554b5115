package dev.reef.observe;

import org.jspecify.annotations.Nullable;

/**
 * One observed operation (a publish, a handler execution, an ask), started by a {@link
 * ReefObserver} callback and stopped exactly once by the reef with its {@link Outcome}. For a
 * handler execution the reef also opens a scope on the handler's thread around the synchronous
 * invocation of the agent's handlers, so that a tracing bridge can make its span current there (and
 * spores sent from the handler continue the trace).
 *
 * <p>Implementations must be fast and thread-safe: {@link #stop} may run on another thread than the
 * start (a publish confirm, an async handler's completion, the ask timer). An exception from either
 * method is logged (throttled) and ignored: it never fails a publish or a delivery.
 */
public interface ReefObservation {
  /** An observation that records nothing. */
  ReefObservation NOOP = new ReefObservation() {};

  /**
   * Makes this observation current on the calling thread until the returned scope is closed. The
   * reef calls it for handler executions, around the synchronous part of the agent's handlers, and
   * for asks, around the publishing of the request (so that the request's publish observation is
   * the ask's child). The default does nothing.
   *
   * @return the scope to close on the same thread; never null
   */
  default ObservationScope openScope() {
    return ObservationScope.NOOP;
  }

  /**
   * The operation ended. Called once.
   *
   * @param outcome how it ended
   * @param error the failure for {@link Outcome#FAILURE} and {@link Outcome#TIMEOUT}, else null
   */
  default void stop(Outcome outcome, @Nullable Throwable error) {}
}
