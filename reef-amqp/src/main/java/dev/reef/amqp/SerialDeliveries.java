package dev.reef.amqp;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries of one mailbox, run one at a time and in order on the backend's consumer pool.
 * Mailboxes share channels ({@link ConsumerChannels}), and amqp-client runs one channel's callbacks
 * in order, so a slow synchronous handler would hold up every mailbox on its channel; handing each
 * delivery to its mailbox's queue here keeps a slow agent to one pool thread. After {@link #BATCH}
 * deliveries in a row the mailbox gives its thread back if it has more. Thread-safe.
 */
final class SerialDeliveries implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialDeliveries.class);

  /** Deliveries run in a row before the thread is given back: {@value}. */
  static final int BATCH = 256;

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  SerialDeliveries(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      pool.execute(this::drain);
    }
  }

  private void drain() {
    try {
      for (int i = 0; i < BATCH; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("a delivery task failed: {}", e.toString());
        }
      }
    } finally {
      scheduled.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
