/**
 * W3C Trace Context for spores: the {@link dev.reef.trace.TraceContext} value ({@code traceparent}
 * and {@code tracestate}, W3C Trace Context level 1), how it rides in a spore's metadata, and the
 * {@link dev.reef.trace.TraceContextSource} a tracing bridge registers so that a spore sent outside
 * any handler continues the caller's current trace. Dependency-free: no tracing library is needed.
 */
@NullMarked
package dev.reef.trace;

import org.jspecify.annotations.NullMarked;
