package dev.reef;

import dev.reef.observe.MdcKeys;
import dev.reef.spi.support.DeliveryRun;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * Sets the {@link MdcKeys} around an invocation of an agent's handlers and restores what they
 * replaced. Used on one thread.
 *
 * <p>Cheap by design, since it runs for every delivery: nothing at all when the SLF4J binding's MDC
 * does nothing (slf4j-simple, slf4j-nop); and inside a backend's {@link DeliveryRun} (the in-memory
 * workers draining a mailbox) the thread's previous values are saved once per run and restored when
 * the run ends, so a delivery costs four puts on the adapter (which replace the previous delivery's
 * values in place) instead of four reads, four puts and four removes plus an allocation. A delivery
 * nested in a handler, or outside any run (AMQP), saves and restores around itself.
 */
final class HandlerMdc implements Runnable {
  /** Returned when the MDC does nothing: nothing to restore. */
  private static final HandlerMdc NONE = new HandlerMdc(null, null, null, null, null, null);

  private final MDCAdapter mdc;
  private final String sporeId;
  private final String agent;
  private final String channel;
  private final String traceId;

  /** The run this object is deferred to (restored at its end), or null: restore per delivery. */
  private final DeliveryRun run;

  private HandlerMdc(
      MDCAdapter mdc,
      String sporeId,
      String agent,
      String channel,
      String traceId,
      DeliveryRun run) {
    this.mdc = mdc;
    this.sporeId = sporeId;
    this.agent = agent;
    this.channel = channel;
    this.traceId = traceId;
    this.run = run;
  }

  /**
   * Puts the keys of a delivery.
   *
   * @return what to {@link #restore()} when the handlers returned
   */
  static HandlerMdc enter(String channel, String agent, Spore spore) {
    MDCAdapter mdc = MDC.getMDCAdapter();
    if (mdc == null || mdc instanceof NOPMDCAdapter) {
      return NONE;
    }
    HandlerMdc token;
    DeliveryRun run = DeliveryRun.forHandler();
    if (run == null) {
      token = saved(mdc, null);
    } else {
      Runnable deferred = run.deferred();
      if (deferred == null) {
        token = saved(mdc, run);
        run.defer(token);
      } else if (deferred instanceof HandlerMdc && ((HandlerMdc) deferred).mdc == mdc) {
        token = (HandlerMdc) deferred;
      } else {
        token = saved(mdc, null);
      }
      if (token.run != null) {
        run.enterHandler();
      }
    }
    mdc.put(MdcKeys.SPORE_ID, spore.id());
    mdc.put(MdcKeys.AGENT, agent);
    mdc.put(MdcKeys.CHANNEL, channel);
    set(mdc, MdcKeys.TRACE_ID, spore.traceId());
    return token;
  }

  private static HandlerMdc saved(MDCAdapter mdc, DeliveryRun run) {
    return new HandlerMdc(
        mdc,
        mdc.get(MdcKeys.SPORE_ID),
        mdc.get(MdcKeys.AGENT),
        mdc.get(MdcKeys.CHANNEL),
        mdc.get(MdcKeys.TRACE_ID),
        run);
  }

  /**
   * Called when the handlers returned: restores the values {@link #enter} replaced (removes the
   * keys that were absent), or, inside a run, leaves that to the run's end.
   */
  void restore() {
    if (this == NONE) {
      return;
    }
    if (run != null) {
      run.leaveHandler();
      return;
    }
    restoreValues();
  }

  /** The end of the run this object was deferred to: restores the values saved at its start. */
  @Override
  public void run() {
    restoreValues();
  }

  private void restoreValues() {
    set(mdc, MdcKeys.SPORE_ID, sporeId);
    set(mdc, MdcKeys.AGENT, agent);
    set(mdc, MdcKeys.CHANNEL, channel);
    set(mdc, MdcKeys.TRACE_ID, traceId);
  }

  private static void set(MDCAdapter mdc, String key, String value) {
    if (value == null) {
      mdc.remove(key);
    } else {
      mdc.put(key, value);
    }
  }
}
