package dev.reef.opentelemetry;

import dev.reef.trace.TraceContext;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;

/** Conversions between Reef's {@link TraceContext} and OpenTelemetry's {@link SpanContext}. */
final class W3cContexts {
  private W3cContexts() {}

  /** A remote span context from a spore's context. */
  static SpanContext remote(TraceContext c) {
    return SpanContext.createFromRemoteParent(
        c.traceId(), c.spanId(), TraceFlags.fromByte((byte) c.flags()), traceState(c.tracestate()));
  }

  /** A span context as a spore's context. */
  static TraceContext of(SpanContext sc) {
    return TraceContext.of(
        sc.getTraceId(),
        sc.getSpanId(),
        sc.getTraceFlags().asByte() & 0xff,
        tracestate(sc.getTraceState()));
  }

  /** The {@code traceparent} of a span context. */
  static String traceparent(SpanContext sc) {
    return of(sc).traceparent();
  }

  /** The {@code tracestate} header of a trace state, or null if empty. */
  static String tracestate(TraceState state) {
    if (state.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    state.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append(',');
          }
          sb.append(k).append('=').append(v);
        });
    return sb.toString();
  }

  /** A trace state from a well-formed {@code tracestate} (TraceContext validated it), or empty. */
  static TraceState traceState(String tracestate) {
    if (tracestate == null) {
      return TraceState.getDefault();
    }
    TraceStateBuilder b = TraceState.builder();
    String[] members = tracestate.split(",");
    // the left-most member is the most recent: add from the right so that it stays first
    for (int i = members.length - 1; i >= 0; i--) {
      String m = members[i].strip();
      int eq = m.indexOf('=');
      if (eq > 0) {
        b.put(m.substring(0, eq), m.substring(eq + 1));
      }
    }
    return b.build();
  }
}
