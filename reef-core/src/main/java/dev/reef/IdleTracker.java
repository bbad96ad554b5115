package dev.reef;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The handlers of a reef that are running, and the wait for none to run ({@link
 * Reef#awaitIdle(Duration)}). A handler's end (and any other settle worth a look) signals a
 * condition, but only while somebody waits, so the hot path costs a counter update and a volatile
 * read. The backend's backlog has no signal of its own (a mailbox drains, a confirm arrives), so a
 * waiter that finds no handler running but a backlog left looks again after {@link
 * #BACKLOG_RECHECK_NANOS} at the latest. Thread-safe.
 */
final class IdleTracker {
  /** How long a waiter waits for a signal before it asks the backend for its backlog again. */
  static final long BACKLOG_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final LongAdder running = new LongAdder();
  private final LongAdder started = new LongAdder();
  private final AtomicInteger waiters = new AtomicInteger();
  private final AtomicLong signals = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** How many handler calls of this reef the current thread is inside (nested calls count). */
  private final ThreadLocal<int[]> onThisThread = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * The current thread enters a handler call of this reef (until {@link #leaveHandler()}); runs
   * inside {@link #begin()}/{@link #end()}.
   */
  void enterHandler() {
    onThisThread.get()[0]++;
  }

  /** The current thread left a handler call of this reef. */
  void leaveHandler() {
    onThisThread.get()[0]--;
  }

  /**
   * How many handler calls of this reef the current thread is inside: 0 unless it is a handler (or
   * something it called) that asks.
   */
  int handlersOnThisThread() {
    return onThisThread.get()[0];
  }

  /** A handler started. */
  void begin() {
    started.increment();
    running.increment();
  }

  /** A handler ended. */
  void end() {
    running.decrement();
    signal();
  }

  /** Something settled that may have made the reef idle: wakes the waiters, if any. */
  void signal() {
    if (waiters.get() == 0) {
      return;
    }
    signals.incrementAndGet();
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether at most {@code handlers} handlers run, before and after the backlog was read, none
   * started meanwhile, and the backlog is zero: a handler that starts (its delivery leaving the
   * backlog) or ends (its sends joining it) while the backlog is read is never taken for idleness.
   */
  private boolean idleNow(int handlers, LongSupplier backlog) {
    long starts = started.sum();
    return running.sum() <= handlers
        && backlog.getAsLong() == 0
        && running.sum() <= handlers
        && started.sum() == starts;
  }

  /**
   * Waits until at most {@code count} handlers run (the caller's own, when a handler closes the
   * reef).
   *
   * @return true if so; false if the timeout passed first or the thread was interrupted
   */
  boolean awaitRunningAtMost(int count, Duration timeout) {
    return await(timeout, count, () -> 0);
  }

  /**
   * Waits until no handler runs and the backlog is zero. The backlog is read without the lock (it
   * may ask the broker).
   *
   * @param timeout how long to wait at most
   * @param backlog the backend's backlog
   * @return true if idle; false if the timeout passed first or the thread was interrupted
   */
  boolean await(Duration timeout, LongSupplier backlog) {
    return await(timeout, 0, backlog);
  }

  private boolean await(Duration timeout, int handlers, LongSupplier backlog) {
    long deadline = System.nanoTime() + timeout.toNanos();
    waiters.incrementAndGet();
    try {
      while (true) {
        long seen = signals.get();
        if (idleNow(handlers, backlog)) {
          return true;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        lock.lock();
        try {
          if (signals.get() == seen) {
            changed.awaitNanos(Math.min(remaining, BACKLOG_RECHECK_NANOS));
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiters.decrementAndGet();
    }
  }
}
