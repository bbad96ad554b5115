/**
 * OpenTelemetry tracing for Reef: {@link dev.reef.opentelemetry.ReefOpenTelemetry} makes a PRODUCER
 * span for every publish and a CONSUMER span around every handler execution, following the
 * OpenTelemetry messaging semantic conventions, and carries the context in the spore's W3C {@code
 * traceparent} ({@link dev.reef.trace.TraceContext}). Only this module depends on the OpenTelemetry
 * API; reef-core stays tracing-free.
 */
package dev.reef.opentelemetry;
