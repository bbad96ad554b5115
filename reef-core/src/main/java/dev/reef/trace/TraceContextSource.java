package dev.reef.trace;

import org.jspecify.annotations.Nullable;

/**
 * The caller's current trace context, as a tracing bridge knows it (for example the current
 * OpenTelemetry span). Registered with {@code ReefOptions.Builder#traceContextSource}; the reef
 * asks it when a spore is published, so that the spore continues the caller's trace. Called on the
 * publishing thread; must be fast and must not block.
 */
@FunctionalInterface
public interface TraceContextSource {
  /** A source that never knows a current context: the default. */
  TraceContextSource NONE = () -> null;

  /**
   * The context the calling thread runs in.
   *
   * @return the current context, or null if there is none (the reef then continues the handled
   *     spore's trace, or starts a new one)
   */
  @Nullable TraceContext current();
}
