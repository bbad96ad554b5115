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
  private final AtomicInteger waiters = new AtomicInteger();
  private final AtomicLong signals = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** A handler started. */
  void begin() {
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
   * Waits until no handler runs and the backlog is zero. The backlog is read without the lock (it
   * may ask the broker).
   *
   * @param timeout how long to wait at most
   * @param backlog the backend's backlog
   * @return true if idle; false if the timeout passed first or the thread was interrupted
   */
  boolean await(Duration timeout, LongSupplier backlog) {
    long deadline = System.nanoTime() + timeout.toNanos();
    waiters.incrementAndGet();
    try {
      while (true) {
        long seen = signals.get();
        if (running.sum() == 0 && backlog.getAsLong() == 0) {
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
