package dev.reef;

import dev.reef.observe.MdcKeys;
import org.slf4j.MDC;

/**
 * Sets the {@link MdcKeys} around an invocation of an agent's handlers and restores what they
 * replaced. Used on one thread.
 */
final class HandlerMdc {
  private final String sporeId;
  private final String agent;
  private final String channel;
  private final String traceId;

  private HandlerMdc(String sporeId, String agent, String channel, String traceId) {
    this.sporeId = sporeId;
    this.agent = agent;
    this.channel = channel;
    this.traceId = traceId;
  }

  /**
   * Puts the keys of a delivery.
   *
   * @return what to restore afterwards
   */
  static HandlerMdc enter(String channel, String agent, Spore spore) {
    HandlerMdc previous =
        new HandlerMdc(
            MDC.get(MdcKeys.SPORE_ID),
            MDC.get(MdcKeys.AGENT),
            MDC.get(MdcKeys.CHANNEL),
            MDC.get(MdcKeys.TRACE_ID));
    MDC.put(MdcKeys.SPORE_ID, spore.id());
    MDC.put(MdcKeys.AGENT, agent);
    MDC.put(MdcKeys.CHANNEL, channel);
    set(MdcKeys.TRACE_ID, spore.traceId());
    return previous;
  }

  /** Restores the values {@link #enter} replaced (removes the keys that were absent). */
  void restore() {
    set(MdcKeys.SPORE_ID, sporeId);
    set(MdcKeys.AGENT, agent);
    set(MdcKeys.CHANNEL, channel);
    set(MdcKeys.TRACE_ID, traceId);
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
