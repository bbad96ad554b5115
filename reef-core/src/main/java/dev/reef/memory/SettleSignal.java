package dev.reef.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a closing backend wait, without polling, until its consumer slots have no unsettled
 * delivery. Deliveries call {@link #settledOne()} whenever one stops being unsettled; that costs a
 * volatile read until a drain starts, and a signal under the lock after.
 */
final class SettleSignal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition settled = lock.newCondition();
  private volatile boolean draining;

  /** A delivery stopped being unsettled: wakes a waiting drain. */
  void settledOne() {
    if (draining) {
      lock.lock();
      try {
        settled.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Waits until none of the slots has an unsettled delivery, or the timeout passed. An interrupt
   * ends the wait early (the flag is kept).
   *
   * @return true if every slot settled
   */
  boolean awaitSettled(List<ConsumerSlot> slots, Duration timeout) {
    // Set before the first check: a delivery that settles after the check then sees it and
    // signals, and the signal waits for the lock this wait releases only in await.
    draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (anyUnsettled(slots)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        settled.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private static boolean anyUnsettled(List<ConsumerSlot> slots) {
    for (ConsumerSlot slot : slots) {
      if (slot.hasUnsettled()) {
        return true;
      }
    }
    return false;
  }
}
