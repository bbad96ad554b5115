/**
 * Observing a reef from outside: the public {@link dev.reef.observe.ReefListener} (what happened to
 * spores, connections and asks that an operator wants to react to) and the instrumentation hook
 * {@link dev.reef.observe.ReefObserver} (callbacks around publish, handler execution and asks, with
 * the message headers a tracing bridge carries in a spore's metadata). Both are registered through
 * {@link dev.reef.ReefOptions.Builder}; a reef with neither pays nothing for them. The Micrometer
 * module ({@code reef-micrometer}) implements the hook. See docs/observability.md.
 */
@NullMarked
package dev.reef.observe;

import org.jspecify.annotations.NullMarked;
