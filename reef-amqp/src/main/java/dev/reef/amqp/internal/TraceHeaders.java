package dev.reef.amqp.internal;

import static dev.reef.amqp.internal.WireValues.str;

import dev.reef.trace.TraceContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The W3C trace context on the wire (docs/design.md#amqp-mapping): the spore's metadata keys {@code
 * traceparent} / {@code tracestate} as the standard AMQP headers of the same names in the {@code
 * REEF} layout, and back into the metadata on delivery (either layout).
 *
 * <p>The {@code REEF} layout leaves out the {@code trace_id} header when it is exactly the {@code
 * traceparent}'s trace id (what the reef fills by default): the reader derives it from the {@code
 * traceparent} when no {@code trace_id} header is present. One header less per spore is work the
 * broker and both clients do not do (docs/performance.md#tracing-overhead-issue-16).
 */
final class TraceHeaders {
  static final String TRACEPARENT = TraceContext.TRACEPARENT;
  static final String TRACESTATE = TraceContext.TRACESTATE;

  /** Where the trace id sits in a {@code traceparent}: {@code 00-<here>-...}. */
  private static final int TRACE_ID_FROM = 3;

  private static final int TRACE_ID_LENGTH = 32;

  private TraceHeaders() {}

  /** The trace context metadata keys with a string value, as headers. */
  static void put(Map<String, Object> metadata, Map<String, Object> headers) {
    if (metadata.isEmpty()) {
      return;
    }
    Object parent = metadata.get(TRACEPARENT);
    if (parent instanceof String) {
      headers.put(TRACEPARENT, parent);
      Object state = metadata.get(TRACESTATE);
      if (state instanceof String) {
        headers.put(TRACESTATE, state);
      }
    }
  }

  /**
   * Whether the {@code trace_id} header can be left out: the spore's {@code traceparent} (sent as a
   * header) is valid and its trace id is exactly the spore's {@code trace_id}, so the reader
   * derives the one from the other ({@link #traceId}).
   *
   * @param traceId the spore's trace id, or null
   * @param metadata the spore's metadata
   * @return true if {@code trace_id} need not be written
   */
  static boolean derivable(String traceId, Map<String, Object> metadata) {
    if (traceId == null || traceId.length() != TRACE_ID_LENGTH || metadata.isEmpty()) {
      return false;
    }
    Object parent = metadata.get(TRACEPARENT);
    return parent instanceof String p
        && p.regionMatches(TRACE_ID_FROM, traceId, 0, TRACE_ID_LENGTH)
        && TraceContext.isValid(p);
  }

  /**
   * The spore's trace id on delivery: the {@code trace_id} header, else the trace id of a valid
   * {@code traceparent} header, else null.
   *
   * @param headers the message headers
   * @return the trace id or null
   */
  static String traceId(Map<String, Object> headers, String traceIdHeader) {
    String id = str(headers, traceIdHeader);
    if (id != null) {
      return id;
    }
    String parent = str(headers, TRACEPARENT);
    return parent != null && TraceContext.isValid(parent)
        ? parent.substring(TRACE_ID_FROM, TRACE_ID_FROM + TRACE_ID_LENGTH)
        : null;
  }

  /**
   * The metadata without what {@link #put} sends as headers.
   *
   * @return the same map when nothing moves, an empty map when only the context was there, else a
   *     copy
   */
  static Map<String, Object> without(Map<String, Object> metadata) {
    if (!(metadata.get(TRACEPARENT) instanceof String)) {
      return metadata;
    }
    boolean state = metadata.get(TRACESTATE) instanceof String;
    if (metadata.size() == (state ? 2 : 1)) {
      return Map.of(); // the common case: nothing but the context, no copy
    }
    Map<String, Object> m = new LinkedHashMap<>(metadata);
    m.remove(TRACEPARENT);
    if (state) {
      m.remove(TRACESTATE);
    }
    return m;
  }

  /** The trace context headers back into the metadata (a header wins over a metadata key). */
  static void read(Map<String, Object> headers, Map<String, Object> metadata) {
    String parent = str(headers, TRACEPARENT);
    if (parent != null) {
      metadata.put(TRACEPARENT, parent);
      String state = str(headers, TRACESTATE);
      if (state != null) {
        metadata.put(TRACESTATE, state);
      } else {
        metadata.remove(TRACESTATE);
      }
    }
  }
}
