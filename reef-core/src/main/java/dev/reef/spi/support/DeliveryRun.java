package dev.reef.spi.support;

import org.jspecify.annotations.Nullable;

/**
 * A run of deliveries that a backend hands to its consumers one after the other on one thread (for
 * example a worker draining a mailbox), so that per-thread context the reef sets around each
 * handler — the SLF4J MDC keys of {@link dev.reef.observe.MdcKeys} — is saved once when the run
 * begins and restored once when it ends, instead of being saved and restored around every delivery.
 * Inside a run, each handler still sees its own delivery's keys; between two deliveries of a run,
 * the backend's own code on that thread sees the keys of the delivery just handled. A backend that
 * does not mark runs gets the per-delivery save and restore.
 *
 * <pre>{@code
 * DeliveryRun run = DeliveryRun.begin();
 * try {
 *   // ConsumerCalls.deliver(...) for each entry
 * } finally {
 *   run.end();
 * }
 * }</pre>
 *
 * <p>Runs do not nest: {@link #begin} on a thread whose run is open returns a run whose {@link
 * #end} does nothing (the outer run ends it). Used on one thread. SPI support.
 */
public final class DeliveryRun {
  private static final ThreadLocal<DeliveryRun> CURRENT = ThreadLocal.withInitial(DeliveryRun::new);
  private static final DeliveryRun NESTED = new DeliveryRun();

  private boolean open;
  private Runnable atEnd;

  /** Whether a handler of the reef runs on this thread right now; see {@link #enterHandler}. */
  private boolean inHandler;

  private DeliveryRun() {}

  /**
   * Begins a run on the calling thread.
   *
   * @return the run, to {@link #end} in a {@code finally} on the same thread
   */
  public static DeliveryRun begin() {
    DeliveryRun run = CURRENT.get();
    if (run.open) {
      return NESTED;
    }
    run.open = true;
    return run;
  }

  /** Ends the run: runs what was deferred to its end (restores the thread's context). */
  public void end() {
    if (this == NESTED || !open) {
      return;
    }
    open = false;
    inHandler = false;
    Runnable r = atEnd;
    atEnd = null;
    if (r != null) {
      r.run();
    }
  }

  /**
   * The run open on the calling thread that a handler may use, or null: none is open, or a handler
   * already runs on this thread (a delivery nested in a handler saves and restores for itself). The
   * caller then calls {@link #enterHandler()} and, when the handler returned, {@link
   * #leaveHandler()}.
   *
   * @return the open run, or null
   */
  public static @Nullable DeliveryRun forHandler() {
    DeliveryRun run = CURRENT.get();
    return run.open && !run.inHandler ? run : null;
  }

  /** Marks that a handler runs on this thread (until {@link #leaveHandler()}). */
  public void enterHandler() {
    inHandler = true;
  }

  /** Marks that the handler returned. */
  public void leaveHandler() {
    inHandler = false;
  }

  /**
   * What is deferred to this run's end.
   *
   * @return the action, or null if none is
   */
  public @Nullable Runnable deferred() {
    return atEnd;
  }

  /**
   * Defers an action to this run's {@link #end} (at most one: the first one stays).
   *
   * @param action what to run when the run ends, on this thread
   */
  public void defer(Runnable action) {
    if (atEnd == null) {
      atEnd = action;
    }
  }
}
