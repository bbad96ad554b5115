package dev.reef.task;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of every task of a channel ({@link Tasks#watchAll(TaskListener)}): fed by the channel's
 * {@link TaskLogTracker} (no follow of its own), delivering events to the listener in log order on
 * a serial executor (at most {@link Tasks#MAX_PENDING_EVENTS} waiting; past that the watch closes
 * and counts the drop).
 */
final class ChannelTaskWatch implements TaskWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelTaskWatch.class);

  private final String channel;
  private final TaskListener listener;
  private final SerialExecutor delivery;
  private final AtomicLong dropped = new AtomicLong();
  private final Runnable onClose;
  private volatile boolean closed;

  ChannelTaskWatch(String channel, TaskListener listener, Executor pool, Runnable onClose) {
    this.channel = channel;
    this.listener = listener;
    this.delivery = new SerialExecutor(pool, Tasks.MAX_PENDING_EVENTS);
    this.onClose = onClose;
  }

  /** Queues an event for the listener; never blocks. */
  void offer(TaskEvent event) {
    if (closed) {
      return;
    }
    try {
      delivery.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      dropped.incrementAndGet();
      LOG.warn(
          "the listener of every task on '{}' is more than {} events behind: watch closed",
          channel,
          Tasks.MAX_PENDING_EVENTS);
      close();
    }
  }

  private void deliver(TaskEvent event) {
    if (!closed) {
      listener.onEvent(event);
    }
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    onClose.run();
  }
}
