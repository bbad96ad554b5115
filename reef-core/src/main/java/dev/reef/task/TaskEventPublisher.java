package dev.reef.task;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A task's events as a {@link Flow.Publisher}: each subscriber gets its own watch (history, then
 * live), delivered as it requests, completed after the terminal event. A subscriber that lets more
 * than {@link Tasks#MAX_PENDING_EVENTS} events wait gets {@code onError}.
 */
final class TaskEventPublisher implements Flow.Publisher<TaskEvent> {
  private final ChannelTasks tasks;
  private final String taskId;

  TaskEventPublisher(ChannelTasks tasks, String taskId) {
    this.tasks = tasks;
    this.taskId = taskId;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super TaskEvent> subscriber) {
    FlowSubscription s = new FlowSubscription(subscriber, tasks.eventPool());
    subscriber.onSubscribe(s);
    if (!s.cancelled.get()) {
      s.watch = tasks.watch(taskId, s::offer);
      if (s.cancelled.get()) {
        s.watch.close();
      }
    }
  }

  private static final class FlowSubscription implements Flow.Subscription {
    private final Flow.Subscriber<? super TaskEvent> subscriber;
    private final Executor pool;
    private final Queue<TaskEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile TaskWatch watch;
    private volatile Throwable error;
    private boolean ended; // drain thread only

    FlowSubscription(Flow.Subscriber<? super TaskEvent> subscriber, Executor pool) {
      this.subscriber = subscriber;
      this.pool = pool;
    }

    void offer(TaskEvent e) {
      if (queued.incrementAndGet() > Tasks.MAX_PENDING_EVENTS) {
        error =
            new dev.reef.ReefException(
                "the subscriber of task " + e.taskId() + " let too many events wait");
      } else {
        queue.add(e);
      }
      drain();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        error = new IllegalArgumentException("request must be positive (rule 3.9), was " + n);
      } else {
        demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
      }
      drain();
    }

    @Override
    public void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        TaskWatch w = watch;
        if (w != null) {
          w.close();
        }
      }
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      try {
        pool.execute(this::loop);
      } catch (RejectedExecutionException e) {
        wip.set(0);
      }
    }

    private void loop() {
      int missed = 1;
      while (true) {
        if (!ended && !cancelled.get()) {
          Throwable err = error;
          if (err != null) {
            ended = true;
            cancel();
            subscriber.onError(err);
          } else {
            while (demand.get() > 0 && !cancelled.get()) {
              TaskEvent e = queue.poll();
              if (e == null) {
                break;
              }
              queued.decrementAndGet();
              demand.decrementAndGet();
              subscriber.onNext(e);
              if (e.status().state().isTerminal()) {
                ended = true;
                cancel();
                subscriber.onComplete();
                break;
              }
            }
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }
  }
}
