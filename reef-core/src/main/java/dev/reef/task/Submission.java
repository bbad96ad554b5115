package dev.reef.task;

import dev.reef.ReefClosedException;
import dev.reef.UnknownAgentException;
import dev.reef.directory.AgentTerminatedException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requester's side of one task: sends its attempts, times them out, retries and fails over, and
 * completes the handle's result from the task log. After {@link #start()}, every change runs on the
 * channel's serial executor, so the fields need no lock (they are volatile for the reads made
 * elsewhere).
 */
final class Submission implements TaskLogTracker.Observer {
  private static final Logger LOG = LoggerFactory.getLogger(Submission.class);

  private final ChannelTasks tasks;
  private final TaskRequest req;
  private final CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
  private final Set<String> excluded = new HashSet<>();
  private final long submittedNanos = System.nanoTime();
  private volatile int attempt = 1;
  private volatile String agent;
  private volatile long attemptSentNanos;
  private volatile boolean attemptSettled;
  private volatile boolean retryPending;
  private volatile boolean done;
  private volatile TaskStatus last;
  private volatile ScheduledFuture<?> timer;

  Submission(ChannelTasks tasks, TaskRequest req) {
    this.tasks = tasks;
    this.req = req;
  }

  String taskId() {
    return req.taskId();
  }

  CompletableFuture<Map<String, Object>> result() {
    return result;
  }

  /** Chooses the first agent, appends SUBMITTED and sends attempt 1 (on the caller's thread). */
  void start() {
    agent = choose();
    tasks.stats().taskSubmitted(req.capability());
    TaskRecord submitted =
        TaskRecord.of(req.taskId(), TaskEventType.SUBMITTED, 1, agent)
            .withSubmission(
                req.from(),
                req.capability(),
                req.priority(),
                req.retryPolicy().maxAttempts(),
                req.timeout() == null ? 0 : req.timeout().toMillis(),
                req.idempotencyKey());
    tasks.tracker().observe(req.taskId(), this);
    tasks.append(submitted).join();
    if (agent == null) {
      tasks.react(() -> attemptFailed(TaskReasons.NO_AGENT, noAgent()));
    } else {
      send();
    }
  }

  private String noAgent() {
    return req.capability() != null
        ? "no live agent with capability '" + req.capability() + "'" + excludedText()
        : "no agent '" + req.to() + "'";
  }

  private String excludedText() {
    return excluded.isEmpty() ? "" : " (excluded after failures: " + excluded + ")";
  }

  private String choose() {
    if (req.capability() == null) {
      return req.to();
    }
    return tasks.chooseAgent(req.capability(), excluded, req.selector());
  }

  private void send() {
    int n = attempt;
    String a = agent;
    attemptSentNanos = System.nanoTime();
    attemptSettled = false;
    tasks.stats().attemptSent(a);
    if (req.capability() != null) {
      tasks.watchAgents(); // the directory is there: capability routing uses it
    }
    CompletableFuture<?> sent;
    try {
      sent = tasks.channelApi().publish(TaskSpores.request(req, n, a));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (s, e) -> {
          if (e != null) {
            tasks.react(() -> publishFailed(n, e));
          }
        });
    Duration timeout = req.timeout();
    if (timeout != null) {
      timer =
          tasks.schedule(
              () -> tasks.react(() -> timedOut(n)), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void publishFailed(int n, Throwable e) {
    if (done || n != attempt) {
      return;
    }
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String reason;
    if (c instanceof AgentTerminatedException) {
      reason = TaskReasons.TERMINATED;
    } else if (c instanceof UnknownAgentException) {
      reason = TaskReasons.NO_AGENT;
    } else if (c instanceof ReefClosedException) {
      return; // the reef closes: close() fails the result
    } else {
      reason = TaskReasons.ERROR;
    }
    attemptFailed(
        reason, "attempt " + n + " could not be sent to '" + agent + "': " + c.getMessage());
  }

  private void timedOut(int n) {
    if (done || n != attempt || retryPending) {
      return;
    }
    attemptFailed(
        TaskReasons.TIMEOUT,
        "attempt " + n + " on '" + agent + "' timed out after " + req.timeout());
  }

  /** The directory says the agent of the running attempt is terminated or has no live instance. */
  void agentGone(String goneAgent) {
    if (done || retryPending || agent == null || !agent.equals(goneAgent)) {
      return;
    }
    attemptFailed(
        TaskReasons.TERMINATED,
        "agent '" + goneAgent + "' was terminated or lost its last live instance");
  }

  @Override
  public void onRecord(TaskRecord r, boolean accepted, TaskStatus after) {
    if (done) {
      return;
    }
    last = after;
    if (after.state().isTerminal()) {
      finish(after);
      return;
    }
    if (accepted && r.type() == TaskEventType.FAILED && r.attempt() == attempt) {
      attemptFailed(TaskReasons.ERROR, r.message());
    }
  }

  private void attemptFailed(String reason, String message) {
    if (done || retryPending) {
      return;
    }
    cancelTimer();
    settleAttempt(false);
    if (req.capability() != null && agent != null) {
      excluded.add(agent);
    }
    TaskStatus l = last;
    boolean cancelRequested = l != null && l.cancelRequested();
    TaskRetryPolicy policy = req.retryPolicy();
    if (!cancelRequested && attempt < policy.maxAttempts() && policy.retries(reason)) {
      retryPending = true;
      Duration delay = policy.backoff(attempt);
      tasks.stats().retried(agent, req.capability());
      LOG.debug(
          "task {} attempt {} failed ({}); retry in {}", req.taskId(), attempt, reason, delay);
      tasks.schedule(
          () -> tasks.react(() -> retry(reason, message, delay)),
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    tasks.append(
        TaskRecord.of(req.taskId(), TaskEventType.FAILED, attempt, agent)
            .withMessage(message)
            .withReason(reason, true));
  }

  private void retry(String reason, String message, Duration delay) {
    retryPending = false;
    if (done) {
      return;
    }
    attempt++;
    agent = choose();
    tasks
        .append(
            TaskRecord.of(req.taskId(), TaskEventType.RETRIED, attempt, agent)
                .withMessage(message)
                .withReason(reason, false)
                .withDelay(delay.toMillis()))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                LOG.warn("task {}: the RETRIED record was not stored", req.taskId(), e);
              }
            });
    if (agent == null) {
      attemptFailed(TaskReasons.NO_AGENT, noAgent());
    } else {
      send();
    }
  }

  private void settleAttempt(boolean ok) {
    if (!attemptSettled && agent != null) {
      attemptSettled = true;
      long ms = (System.nanoTime() - attemptSentNanos) / 1_000_000;
      tasks.stats().attemptOutcome(agent, ok, ms);
    }
  }

  private void finish(TaskStatus status) {
    done = true;
    cancelTimer();
    tasks.tracker().unobserve(req.taskId(), this);
    tasks.finished(this);
    boolean ok = status.state() == TaskState.COMPLETED;
    if (ok || status.state() == TaskState.FAILED) {
      settleAttempt(ok);
    }
    long ms = (System.nanoTime() - submittedNanos) / 1_000_000;
    if (status.state() != TaskState.CANCELED) {
      tasks.stats().taskOutcome(req.capability(), ok, ms);
    }
    if (ok) {
      result.complete(status.result());
    } else {
      result.completeExceptionally(new TaskFailedException(status));
    }
  }

  /** The reef closes: fails the result. */
  void abandon() {
    done = true;
    cancelTimer();
    result.completeExceptionally(new ReefClosedException("the reef was closed"));
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
      timer = null;
    }
  }
}
