package dev.reef;

import dev.reef.observe.ObservationScope;
import dev.reef.observe.ReefObservation;
import dev.reef.security.SenderRejectedException;
import dev.reef.security.SenderVerification;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.NoHandlerException;
import dev.reef.spi.support.Failures;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of one (channel, agent) mailbox within a reef: completes open asks and gathers with
 * their responses, hides duplicates when deduplication is on, and runs every handler of the agent.
 * The returned stage completes when all handlers succeeded and fails if any failed, so the backend
 * settles, retries or dead-letters the spore. Handler lists are copy-on-write, so delivery takes no
 * lock. Whether the mailbox is consumed is kept here too, and changed by {@link
 * DispatcherRegistry}.
 */
final class AgentDispatcher implements MailboxConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(AgentDispatcher.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final Handler[] NO_HANDLERS = new Handler[0];

  /** One attached handler; exactly one of the two fields is set. */
  static final class Handler {
    final SporeHandler sync;
    final AsyncSporeHandler async;

    /** Completes when the handler is removed: normally, or with why (a termination). */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    Handler(SporeHandler sync, AsyncSporeHandler async) {
      this.sync = sync;
      this.async = async;
    }

    void end(Throwable reason) {
      if (reason == null) {
        ended.complete(null);
      } else {
        ended.completeExceptionally(reason);
      }
    }
  }

  final String channel;
  final String agent;
  private final PendingReplies replies;
  private final StatsRecorder stats;
  private final IdleTracker idle;
  private final DedupWindow dedup;
  private final SenderVerification verification;
  private final TracePropagation tracing;

  /** The observers, or null when none is registered. */
  private final Instrumentation instrumentation;

  private volatile Handler[] handlers = NO_HANDLERS;

  // The attachment, guarded by this object's monitor (held only for field updates, never across a
  // backend call); see DispatcherRegistry.

  /** Open asks and gathers of this agent waiting for responses in this mailbox. */
  int openAsks;

  /** The backend consumption, or null while none is established. */
  MailboxSubscription subscription;

  /** A consume or detach under way, completed when it is over; null if none. */
  CompletableFuture<Void> transition;

  /** The thread running the {@link #transition}, which must never wait for it itself. */
  Thread transitionOwner;

  /** Whether this dispatcher has left the registry (its mailbox is being, or was, detached). */
  boolean retired;

  /**
   * Whether the mailbox was unknown to the backend when an ask opened it and no handler has joined
   * since: the reef declared it only to receive responses, and removes it once unused.
   */
  boolean declaredForAsks;

  AgentDispatcher(
      String channel,
      String agent,
      int dedupWindow,
      PendingReplies replies,
      StatsRecorder stats,
      IdleTracker idle,
      SenderVerification verification,
      Instrumentation instrumentation,
      TracePropagation tracing) {
    this.tracing = tracing != null && tracing.enabled() ? tracing : null;
    this.channel = channel;
    this.agent = agent;
    this.replies = replies;
    this.stats = stats;
    this.idle = idle;
    this.dedup = dedupWindow > 0 ? new DedupWindow(dedupWindow) : null;
    this.verification = verification.active() ? verification : null;
    this.instrumentation =
        instrumentation != null && instrumentation.observing() ? instrumentation : null;
  }

  // ---- handler list, changed under this object's monitor ----

  void add(Handler h, SubscribeMode mode) {
    Handler[] replaced = mode == SubscribeMode.REPLACE ? handlers : NO_HANDLERS;
    Handler[] cur = mode == SubscribeMode.REPLACE ? NO_HANDLERS : handlers;
    Handler[] next = new Handler[cur.length + 1];
    System.arraycopy(cur, 0, next, 0, cur.length);
    next[cur.length] = h;
    handlers = next;
    for (Handler old : replaced) {
      old.end(null);
    }
  }

  boolean remove(Handler h) {
    Handler[] cur = handlers;
    for (int i = 0; i < cur.length; i++) {
      if (cur[i] == h) {
        Handler[] next = new Handler[cur.length - 1];
        System.arraycopy(cur, 0, next, 0, i);
        System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
        handlers = next;
        h.end(null);
        return true;
      }
    }
    return false;
  }

  void clear() {
    clear(null);
  }

  /**
   * Removes every handler; their subscriptions end normally, or with {@code reason}.
   *
   * @param reason why they were removed (for example an {@code AgentTerminatedException}), or null
   */
  void clear(Throwable reason) {
    Handler[] cur = handlers;
    handlers = NO_HANDLERS;
    for (Handler h : cur) {
      h.end(reason);
    }
  }

  /** Whether a handler or an open ask still needs the mailbox consumed. */
  boolean inUse() {
    return handlers.length > 0 || openAsks > 0;
  }

  // ---- delivery ----

  @Override
  public CompletionStage<?> deliver(Spore received, int attempt) {
    if (verification == null) {
      return dispatch(received, attempt);
    }
    Spore checked;
    try {
      checked = verification.check(received, channel);
    } catch (SenderRejectedException e) {
      rejected(received, e);
      return CompletableFuture.failedFuture(e);
    }
    return dispatch(checked, attempt);
  }

  /** Delivers a spore that passed the sender verification. */
  private CompletionStage<?> dispatch(Spore spore, int attempt) {
    if (spore.type() == SporeType.RESPONSE && spore.replyTo() != null) {
      if (replies.take(channel, agent, spore, false)) {
        return DONE;
      }
    }
    String key = null;
    if (dedup != null) {
      key = DedupWindow.keyOf(spore);
      if (dedup.contains(key)) {
        stats.count(SporeEvent.DUPLICATE, channel, agent, spore);
        return DONE;
      }
    }
    Handler[] hs = handlers;
    if (hs.length == 0) {
      return CompletableFuture.failedFuture(
          new NoHandlerException(
              "agent '" + agent + "' on channel '" + channel + "' has no handler subscribed"));
    }
    idle.begin();
    ReefObservation observation =
        instrumentation == null
            ? null
            : instrumentation.handle(new Instrumentation.Delivery(channel, agent, spore, attempt));
    Run run;
    idle.enterHandler();
    TracePropagation.Handled outer =
        tracing == null ? null : tracing.enter(spore, channel, agent, stats);
    HandlerMdc mdc = HandlerMdc.enter(channel, agent, spore);
    ObservationScope scope = observation == null ? null : instrumentation.open(observation);
    try {
      run = runHandlers(hs, spore);
    } catch (Error e) {
      idle.end(); // an Error is not a handler failure to retry: it propagates
      if (observation != null) {
        instrumentation.stop(observation, e);
      }
      throw e;
    } finally {
      if (scope != null) {
        instrumentation.close(scope);
      }
      mdc.restore();
      if (outer != null) {
        tracing.exit(outer);
      }
      idle.leaveHandler();
    }
    if (run == null || run.pending == null) {
      Exception failure = run == null ? null : run.failure;
      idle.end();
      if (observation != null) {
        instrumentation.stop(observation, failure);
      }
      if (failure != null) {
        logFailure(spore, attempt, failure);
        return CompletableFuture.failedFuture(failure);
      }
      remember(key);
      return DONE;
    }
    final Throwable syncFailure = run.failure;
    final String dedupKey = key;
    CompletableFuture<?>[] all =
        run.count == run.pending.length ? run.pending : Arrays.copyOf(run.pending, run.count);
    return CompletableFuture.allOf(all)
        .handle(
            (r, t) -> {
              idle.end();
              Throwable f = syncFailure;
              if (t != null) {
                Throwable cause = Failures.unwrap(t);
                if (f == null) {
                  f = cause;
                } else {
                  f.addSuppressed(cause);
                }
              }
              if (observation != null) {
                instrumentation.stop(observation, f);
              }
              if (f != null) {
                logFailure(spore, attempt, f);
                throw new CompletionException(f);
              }
              remember(dedupKey);
              return null;
            });
  }

  /** What running the handlers left: the first failure, and the stages still open. */
  private static final class Run {
    Exception failure;
    CompletableFuture<?>[] pending;
    int count;
  }

  /**
   * Runs every handler; a handler's exception is collected, an {@link Error} propagates.
   *
   * @return what is left, or null when every handler succeeded synchronously (the common case,
   *     which allocates nothing)
   */
  private Run runHandlers(Handler[] hs, Spore spore) {
    Run run = null;
    for (Handler h : hs) {
      try {
        if (h.sync != null) {
          h.sync.handle(spore);
        } else {
          CompletionStage<?> st = h.async.handle(spore);
          if (st == null) {
            throw new NullPointerException("async handler of '" + agent + "' returned null");
          }
          CompletableFuture<?> cf = toFuture(st);
          if (cf.isDone() && !cf.isCompletedExceptionally()) {
            continue;
          }
          if (run == null) {
            run = new Run();
          }
          if (run.pending == null) {
            run.pending = new CompletableFuture<?>[hs.length];
          }
          run.pending[run.count++] = cf;
        }
      } catch (Exception e) {
        if (run == null) {
          run = new Run();
        }
        if (run.failure == null) {
          run.failure = e;
        } else {
          run.failure.addSuppressed(e);
        }
      }
    }
    return run;
  }

  /** Counts a spore the sender verification refused; the backend dead-letters it. */
  private void rejected(Spore spore, SenderRejectedException e) {
    stats.count(SporeEvent.DENIED, channel, agent);
    // The backend logs the dead letter (WARN, with this reason); this line only adds the mailbox.
    LOG.debug("spore {} to '{}' on '{}' refused: {}", spore.id(), agent, channel, e.getMessage());
  }

  private void remember(String key) {
    if (key != null) {
      dedup.add(key);
    }
  }

  private void logFailure(Spore spore, int attempt, Throwable t) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "handler of '{}' on '{}' failed on {} (attempt {})", agent, channel, spore, attempt, t);
    }
  }

  private static CompletableFuture<?> toFuture(CompletionStage<?> st) {
    if (st instanceof CompletableFuture) {
      return (CompletableFuture<?>) st;
    }
    try {
      return st.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      CompletableFuture<Object> f = new CompletableFuture<>();
      st.whenComplete(
          (r, t) -> {
            if (t != null) {
              f.completeExceptionally(t);
            } else {
              f.complete(r);
            }
          });
      return f;
    }
  }
}
