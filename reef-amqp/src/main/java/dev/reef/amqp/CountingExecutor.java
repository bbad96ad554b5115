package dev.reef.amqp;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer dispatch pool of the connection. It counts tasks submitted and not yet finished:
 * amqp-client submits a dispatch task on its I/O thread as soon as a delivery is queued for a
 * channel (and a running task resubmits itself while work remains), so a delivery the client has
 * read but not yet handed to {@code handleDelivery} is visible here. That closes the gap {@link
 * AmqpBackend#backlog()} would otherwise have between "left the broker" and "in a handler".
 */
final class CountingExecutor extends ThreadPoolExecutor {
  /** How long an idle thread above the core size lives (none: core equals maximum). */
  private static final long KEEP_ALIVE_SECONDS = 60;

  private final AtomicLong pending = new AtomicLong();

  CountingExecutor(int threads, ThreadFactory factory) {
    super(
        threads,
        threads,
        KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        factory);
  }

  @Override
  public void execute(Runnable command) {
    pending.incrementAndGet();
    try {
      super.execute(command);
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      if (isShutdown()) {
        // The backend is closing: the connection is (being) closed, so whatever this task would
        // have dispatched is unacknowledged and the broker requeues it. Nothing is lost.
        return;
      }
      throw e;
    }
  }

  @Override
  protected void afterExecute(Runnable r, Throwable t) {
    pending.decrementAndGet();
  }

  /** Submitted dispatch tasks not yet finished. */
  long pending() {
    return pending.get();
  }
}
