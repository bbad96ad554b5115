package dev.reef.observe;

/**
 * The SLF4J MDC keys a reef sets on the handler's thread while an agent's handlers run, on every
 * backend, so that the application's log lines correlate with spores. The previous values (for
 * example of a handler that sends synchronously to another agent of the same reef) are restored
 * when the handlers return. They cover the synchronous part of a handler: an async handler that
 * continues on another thread carries them there itself ({@code MDC.getCopyOfContextMap()}).
 */
public final class MdcKeys {
  /** The id of the spore being handled: {@value}. */
  public static final String SPORE_ID = "reef.spore_id";

  /** The agent whose handler runs: {@value}. */
  public static final String AGENT = "reef.agent";

  /** The channel the spore arrived on: {@value}. */
  public static final String CHANNEL = "reef.channel";

  /** The spore's {@code trace_id}; absent when the spore has none: {@value}. */
  public static final String TRACE_ID = "reef.trace_id";

  private MdcKeys() {}
}
