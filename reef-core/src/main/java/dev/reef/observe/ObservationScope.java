package dev.reef.observe;

/**
 * What a {@link ReefObservation} made current on a thread (for example a tracing span and its MDC
 * entries), undone by {@link #close()} on the same thread. Closing must not throw.
 */
@FunctionalInterface
public interface ObservationScope extends AutoCloseable {
  /** A scope that does nothing. */
  ObservationScope NOOP = () -> {};

  /** Restores what the scope replaced, on the thread that opened it. */
  @Override
  void close();
}
