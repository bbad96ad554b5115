package dev.reef.task;

import dev.reef.Spore;
import dev.reef.Subscription;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent serving tasks: a handler on the agent's mailbox that runs each task request on the
 * delivery thread, one at a time per mailbox and reef (so priority orders the backlog, and more
 * workers means more reefs or processes competing for the mailbox), and settles the spore when the
 * attempt's outcome is in the log (so a worker process that dies mid-task leaves the spore to be
 * redelivered). Remembers the idempotency keys it runs or ran ({@value #DEDUP_WINDOW} at most,
 * oldest forgotten first; a key whose attempt failed is forgotten at once, so a retry may run it
 * again).
 */
final class TaskServer implements TaskServing {
  private static final Logger LOG = LoggerFactory.getLogger(TaskServer.class);

  /** The size of the dedup window, in idempotency keys. */
  static final int DEDUP_WINDOW = 10_000;

  /** The reason of the REJECTED record of a duplicate. */
  static final String DUPLICATE = "duplicate";

  private final ChannelTasks tasks;
  private final String agent;
  private final TaskWorker worker;
  private final AtomicLong skipped = new AtomicLong();

  /** Idempotency key to the id of the task that ran (or runs) it. */
  private final Map<String, String> keys =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > DEDUP_WINDOW;
        }
      };

  private volatile Subscription subscription;

  TaskServer(ChannelTasks tasks, String agent, TaskWorker worker) {
    this.tasks = tasks;
    this.agent = agent;
    this.worker = worker;
  }

  void start() {
    subscription = tasks.channelApi().subscribe(agent, this::onSpore);
  }

  private void onSpore(Spore spore) {
    if (!TaskSpores.isTaskRequest(spore)) {
      return; // another handler's business
    }
    TaskSpores.Assignment a = TaskSpores.parse(spore);
    if (a == null) {
      tasks.malformedRequest(spore);
      return;
    }
    TaskStatus known = tasks.tracker().status(a.taskId());
    if (known != null && known.state().isTerminal()) {
      skipped.incrementAndGet();
      LOG.debug("task {} already ended {}: not run", a.taskId(), known.state());
      return;
    }
    String ranAs;
    synchronized (keys) {
      ranAs = keys.get(a.idempotencyKey());
      if (ranAs == null) {
        keys.put(a.idempotencyKey(), a.taskId());
      }
    }
    if (ranAs != null) {
      skipped.incrementAndGet();
      LOG.debug("task {}: key {} already run here as {}", a.taskId(), a.idempotencyKey(), ranAs);
      if (!ranAs.equals(a.taskId())) {
        // Another task with the same key: refuse it, naming the task that ran (its result is
        // there); nothing is run twice and nothing waits forever.
        tasks
            .append(
                TaskRecord.of(a.taskId(), TaskEventType.REJECTED, a.attempt(), agent)
                    .withMessage(
                        "duplicate: idempotency key '"
                            + a.idempotencyKey()
                            + "' already run by '"
                            + agent
                            + "' as task "
                            + ranAs)
                    .withReason(DUPLICATE, true))
            .join();
      }
      return;
    }
    run(a, known);
  }

  private void run(TaskSpores.Assignment a, TaskStatus known) {
    WorkerContext ctx = new WorkerContext(tasks, agent, a);
    tasks.tracker().observe(a.taskId(), ctx);
    if (known != null && known.cancelRequested()) {
      ctx.cancel();
    }
    TaskRecord outcome;
    boolean forget = false;
    try {
      ctx.report(TaskRecord.of(a.taskId(), TaskEventType.STARTED, a.attempt(), agent));
      Map<String, ?> result = worker.run(ctx);
      if (ctx.isCancelled()) {
        outcome = canceled(a);
      } else {
        outcome =
            TaskRecord.of(a.taskId(), TaskEventType.COMPLETED, a.attempt(), agent)
                .withResult(result == null ? Map.of() : new LinkedHashMap<>(result));
      }
    } catch (TaskRejectedException e) {
      outcome =
          TaskRecord.of(a.taskId(), TaskEventType.REJECTED, a.attempt(), agent)
              .withMessage(e.getMessage());
    } catch (Exception e) {
      if (ctx.isCancelled()) {
        outcome = canceled(a);
      } else {
        boolean last = a.attempt() >= a.maxAttempts() || !a.retryOnFailure();
        String msg = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        outcome =
            TaskRecord.of(a.taskId(), TaskEventType.FAILED, a.attempt(), agent)
                .withMessage(msg)
                .withReason(TaskReasons.ERROR, last);
        forget = true;
        LOG.debug("task {} attempt {} failed on '{}'", a.taskId(), a.attempt(), agent, e);
      }
    } finally {
      tasks.tracker().unobserve(a.taskId(), ctx);
    }
    if (forget) {
      forget(a);
    }
    try {
      tasks.append(outcome).join();
    } catch (RuntimeException e) {
      // Not stored: fail the delivery so that the spore is retried (the key is forgotten).
      forget(a);
      throw new dev.reef.ReefException("task " + a.taskId() + ": the outcome was not stored", e);
    }
  }

  private TaskRecord canceled(TaskSpores.Assignment a) {
    return TaskRecord.of(a.taskId(), TaskEventType.CANCELED, a.attempt(), agent)
        .withMessage("canceled by the worker");
  }

  private void forget(TaskSpores.Assignment a) {
    synchronized (keys) {
      keys.remove(a.idempotencyKey());
    }
  }

  @Override
  public long skipped() {
    return skipped.get();
  }

  @Override
  public void close() {
    Subscription s = subscription;
    if (s != null) {
      s.close();
    }
    tasks.serverClosed(this);
  }
}
