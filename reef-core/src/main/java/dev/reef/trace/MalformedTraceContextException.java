package dev.reef.trace;

import dev.reef.ReefException;

/**
 * A {@code traceparent} (or {@code tracestate}) that does not follow W3C Trace Context level 1.
 * Thrown only by {@link TraceContext#parse(String, String)}; a malformed context on a delivered
 * spore never fails the delivery (the handler starts a new trace and the reef counts {@link
 * dev.reef.SporeEvent#TRACE_CONTEXT_MALFORMED}).
 */
public final class MalformedTraceContextException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the field
   */
  public MalformedTraceContextException(String message) {
    super(message);
  }
}
