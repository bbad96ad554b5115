package dev.reef.bench;

import java.util.concurrent.locks.LockSupport;

/** Paces a loop at a fixed rate: sleeps while far from the next slot, spins when close. */
final class Pacer {
  private final long start;
  private final long intervalNanos;

  Pacer(int perSecond) {
    this.start = System.nanoTime();
    this.intervalNanos = 1_000_000_000L / perSecond;
  }

  /** Waits until slot {@code i} is due and returns its due time. */
  long awaitSlot(long i) {
    long due = start + i * intervalNanos;
    while (true) {
      long left = due - System.nanoTime();
      if (left <= 0) {
        return due;
      }
      if (left > 200_000) {
        LockSupport.parkNanos(left - 100_000);
      } else {
        Thread.onSpinWait();
      }
    }
  }
}
