package dev.reef.reliability.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/** Runs an action at a steady rate (a test-utility pacer; tests themselves never sleep). */
public final class Paced {
  private Paced() {}

  /** Calls {@code action} with 0..count-1, at most {@code perSecond} calls a second. */
  public static void run(long count, long perSecond, LongConsumer action) {
    long start = System.nanoTime();
    long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
    for (long i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      action.accept(i);
    }
  }
}
