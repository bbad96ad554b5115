package dev.reef.task;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool; bounded: past {@code maxQueued}
 * waiting tasks, {@link #execute} refuses (the caller counts or reports it).
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final int maxQueued;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean();

  SerialExecutor(Executor pool, int maxQueued) {
    this.pool = pool;
    this.maxQueued = maxQueued;
  }

  @Override
  public void execute(Runnable task) {
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      throw new RejectedExecutionException("more than " + maxQueued + " tasks waiting");
    }
    queue.add(task);
    schedule();
  }

  private void schedule() {
    if (running.compareAndSet(false, true)) {
      try {
        pool.execute(this::drain);
      } catch (RejectedExecutionException e) {
        running.set(false);
        LOG.debug("the pool is shut down; {} serial tasks dropped", queue.size());
        queue.clear();
        queued.set(0);
      }
    }
  }

  private void drain() {
    try {
      Runnable r;
      while ((r = queue.poll()) != null) {
        queued.decrementAndGet();
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("a task engine callback failed", e);
        }
      }
    } finally {
      running.set(false);
    }
    if (!queue.isEmpty()) {
      schedule();
    }
  }
}
