package dev.reef.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.spi.TaskLogStore;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch of one task: its own follow of the channel's log from the retained start, folding the
 * task's records with the same rules as everyone ({@link TaskAggregate}), delivering the accepted
 * ones to the listener in order on a serial executor (at most {@link Tasks#MAX_PENDING_EVENTS}
 * waiting; past that the watch closes and counts the drop).
 */
final class DefaultTaskWatch implements TaskWatch {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultTaskWatch.class);

  private final String channel;
  private final String taskId;
  private final TaskListener listener;
  private final SerialExecutor delivery;
  private final TaskAggregate aggregate;
  private final AtomicLong dropped = new AtomicLong();
  private final Runnable onClose;
  private volatile AutoCloseable follow;
  private volatile boolean closed;

  DefaultTaskWatch(
      String channel, String taskId, TaskListener listener, Executor pool, Runnable onClose) {
    this.channel = channel;
    this.taskId = taskId;
    this.listener = listener;
    this.delivery = new SerialExecutor(pool, Tasks.MAX_PENDING_EVENTS);
    this.aggregate = new TaskAggregate(taskId);
    this.onClose = onClose;
  }

  void open(TaskLogStore store) {
    AutoCloseable f = store.follow(channel, this::onBytes);
    follow = f;
    if (closed) {
      closeQuietly(f);
    }
  }

  private void onBytes(byte[] bytes) {
    if (closed) {
      return;
    }
    TaskRecord r;
    try {
      JsonNode n = TaskRecords.parse(bytes);
      if (!taskId.equals(n.path("task_id").asText(null))) {
        return;
      }
      r = TaskRecords.decode(n);
    } catch (TaskRecords.MalformedRecordException e) {
      return; // the channel's tracker counts it
    }
    TaskEvent event;
    synchronized (aggregate) {
      if (!aggregate.apply(r)) {
        return;
      }
      event = r.toEvent(aggregate.snapshot());
    }
    try {
      delivery.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      dropped.incrementAndGet();
      LOG.warn(
          "the listener of task {} on '{}' is more than {} events behind: watch closed",
          taskId,
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
    AutoCloseable f = follow;
    if (f != null) {
      closeQuietly(f);
    }
    onClose.run();
  }

  private void closeQuietly(AutoCloseable f) {
    try {
      f.close();
    } catch (Exception e) {
      LOG.debug("closing a task watch failed", e);
    }
  }
}
