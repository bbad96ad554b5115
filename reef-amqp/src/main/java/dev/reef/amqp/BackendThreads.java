package dev.reef.amqp;

import dev.reef.spi.support.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one started backend, all daemons: the connection's consumer dispatch pool
 * (counting what it has not yet run, for the backlog), a scheduler for retries and the confirm
 * sweep, and a small pool that completes publish futures and reports to the listener off the
 * connection's I/O thread. Thread-safe.
 */
final class BackendThreads {
  private static final Logger log = LoggerFactory.getLogger(BackendThreads.class);

  /** Threads completing publish futures and listener callbacks. */
  static final int CALLBACK_THREADS = 2;

  /** The fewest consumer dispatch threads. */
  static final int MIN_DISPATCH_THREADS = 4;

  /** Consumer dispatch threads per available processor, above the minimum. */
  static final int DISPATCH_THREADS_PER_CPU = 2;

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reef-amqp-scheduler"));
  private final ExecutorService callbacks =
      Executors.newFixedThreadPool(CALLBACK_THREADS, DaemonThreads.named("reef-amqp-callback"));
  private final CountingExecutor dispatch =
      new CountingExecutor(
          Math.max(
              MIN_DISPATCH_THREADS,
              DISPATCH_THREADS_PER_CPU * Runtime.getRuntime().availableProcessors()),
          DaemonThreads.named("reef-amqp-consumer"));

  /** The connection's consumer dispatch pool. */
  CountingExecutor dispatch() {
    return dispatch;
  }

  /** The executor completing publish futures and listener callbacks. */
  Executor callbacks() {
    return callbacks;
  }

  /**
   * Runs a task after a delay; does nothing once shut down (closing: an unacknowledged original
   * goes back to its queue when the connection closes).
   */
  void schedule(Runnable task, Duration delay) {
    try {
      scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("not scheduling a task while closing");
    }
  }

  /** Runs a task every {@code period} until shut down. */
  void every(Duration period, Runnable task) {
    long ms = period.toMillis();
    scheduler.scheduleWithFixedDelay(task, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Stops every thread: scheduled tasks are dropped, submitted callbacks still run. */
  void shutdown() {
    scheduler.shutdownNow();
    callbacks.shutdown();
    dispatch.shutdown();
  }
}
