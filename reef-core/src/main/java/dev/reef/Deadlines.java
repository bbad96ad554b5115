package dev.reef;

import dev.reef.spi.support.DaemonThreads;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of open asks and gathers, grouped into ticks of {@link #TICK_NANOS}: one timer task
 * per tick that has deadlines, not one per ask. A deadline added later than every pending tick
 * never wakes the timer thread (a scheduled executor signals it only for a new earliest task), so a
 * steady stream of asks costs no thread hand-off for its timeouts; an ended ask leaves its tick at
 * once. A deadline fires at its time or up to one tick later, never earlier. Thread-safe.
 */
final class Deadlines {
  /** The granularity of deadlines: 10 ms. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The longest timeout taken literally, about 73 years: tick arithmetic never overflows. */
  private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

  private final ScheduledThreadPoolExecutor timer;
  private final long origin = System.nanoTime();
  private final ConcurrentHashMap<Long, Set<PendingReply>> ticks = new ConcurrentHashMap<>();

  Deadlines() {
    timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("reef-timer"));
  }

  /**
   * Arms the deadline of a pending reply: {@link PendingReply#expire()} runs at or up to one tick
   * after {@code timeoutNanos} from now, unless {@link #disarm(PendingReply)} came first.
   *
   * @throws RejectedExecutionException if the timer was shut down
   */
  void arm(PendingReply p, long timeoutNanos) {
    long now = System.nanoTime() - origin;
    timeoutNanos = Math.min(timeoutNanos, MAX_TIMEOUT_NANOS);
    long tick = Math.floorDiv(now + timeoutNanos + TICK_NANOS - 1, TICK_NANOS);
    p.deadlineTick = tick;
    RejectedExecutionException[] rejected = new RejectedExecutionException[1];
    ticks.compute(
        tick,
        (t, due) -> {
          if (due == null) {
            try {
              timer.schedule(() -> fire(t), t * TICK_NANOS - now, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
              rejected[0] = e;
              return null;
            }
            due = ConcurrentHashMap.newKeySet();
          }
          due.add(p);
          return due;
        });
    if (rejected[0] != null) {
      throw rejected[0];
    }
  }

  /** Forgets the deadline of a pending reply that ended. */
  void disarm(PendingReply p) {
    Set<PendingReply> due = ticks.get(p.deadlineTick);
    if (due != null) {
      due.remove(p);
    }
  }

  private void fire(long tick) {
    Set<PendingReply> due = ticks.remove(tick);
    if (due != null) {
      for (PendingReply p : due) {
        p.expire();
      }
    }
  }

  /** Deadlines armed and not yet fired or disarmed. */
  int armed() {
    int n = 0;
    for (Set<PendingReply> due : ticks.values()) {
      n += due.size();
    }
    return n;
  }

  /** Stops the timer; armed deadlines never fire. */
  void shutdown() {
    timer.shutdownNow();
  }
}
