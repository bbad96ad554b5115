package dev.reef;

import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of one (channel, agent) mailbox within a reef: completes open asks and gathers with
 * their responses, hides duplicates when deduplication is on, and runs every handler of the agent.
 * The returned stage completes when all handlers succeeded and fails if any failed, so the backend
 * settles, retries or dead-letters the spore. Handler lists are copy-on-write, so delivery takes no
 * lock.
 */
final class AgentDispatcher implements MailboxConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(AgentDispatcher.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final Handler[] NO_HANDLERS = new Handler[0];

  /** One attached handler; exactly one of the two fields is set. */
  static final class Handler {
    final SporeHandler sync;
    final AsyncSporeHandler async;

    Handler(SporeHandler sync, AsyncSporeHandler async) {
      this.sync = sync;
      this.async = async;
    }
  }

  final DefaultReef reef;
  final String channel;
  final String agent;
  private final DedupWindow dedup;
  private volatile Handler[] handlers = NO_HANDLERS;

  // Guarded by reef.lock.
  int openAsks;
  MailboxSubscription subscription;

  AgentDispatcher(DefaultReef reef, String channel, String agent, int dedupWindow) {
    this.reef = reef;
    this.channel = channel;
    this.agent = agent;
    this.dedup = dedupWindow > 0 ? new DedupWindow(dedupWindow) : null;
  }

  // ---- handler list, changed under reef.lock ----

  void add(Handler h, SubscribeMode mode) {
    Handler[] cur = mode == SubscribeMode.REPLACE ? NO_HANDLERS : handlers;
    Handler[] next = new Handler[cur.length + 1];
    System.arraycopy(cur, 0, next, 0, cur.length);
    next[cur.length] = h;
    handlers = next;
  }

  boolean remove(Handler h) {
    Handler[] cur = handlers;
    for (int i = 0; i < cur.length; i++) {
      if (cur[i] == h) {
        Handler[] next = new Handler[cur.length - 1];
        System.arraycopy(cur, 0, next, 0, i);
        System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
        handlers = next;
        return true;
      }
    }
    return false;
  }

  void clear() {
    handlers = NO_HANDLERS;
  }

  boolean hasHandlers() {
    return handlers.length > 0;
  }

  // ---- delivery ----

  @Override
  public CompletionStage<?> deliver(Spore spore, int attempt) {
    if (spore.type() == SporeType.RESPONSE && spore.replyTo() != null) {
      CompletionStage<?> taken = reef.takeResponse(this, spore);
      if (taken != null) {
        return taken;
      }
    }
    String key = null;
    if (dedup != null) {
      key = DedupWindow.keyOf(spore);
      if (dedup.contains(key)) {
        reef.stats.count(SporeEvent.DUPLICATE, channel, agent);
        return DONE;
      }
    }
    Handler[] hs = handlers;
    if (hs.length == 0) {
      return CompletableFuture.failedFuture(
          new ReefException(
              "agent '" + agent + "' on channel '" + channel + "' has no handler subscribed"));
    }
    reef.inFlight.increment();
    Throwable failure = null;
    CompletableFuture<?>[] pending = null;
    int np = 0;
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
          if (pending == null) {
            pending = new CompletableFuture<?>[hs.length];
          }
          pending[np++] = cf;
        }
      } catch (Throwable t) {
        if (failure == null) {
          failure = t;
        } else {
          failure.addSuppressed(t);
        }
      }
    }
    if (pending == null) {
      reef.inFlight.decrement();
      if (failure != null) {
        logFailure(spore, attempt, failure);
        return CompletableFuture.failedFuture(failure);
      }
      remember(key);
      return DONE;
    }
    final Throwable syncFailure = failure;
    final String dedupKey = key;
    CompletableFuture<?>[] all =
        np == pending.length ? pending : java.util.Arrays.copyOf(pending, np);
    return CompletableFuture.allOf(all)
        .handle(
            (r, t) -> {
              reef.inFlight.decrement();
              Throwable f = syncFailure;
              if (t != null) {
                Throwable cause = t.getCause() != null ? t.getCause() : t;
                if (f == null) {
                  f = cause;
                } else {
                  f.addSuppressed(cause);
                }
              }
              if (f != null) {
                logFailure(spore, attempt, f);
                throw new java.util.concurrent.CompletionException(f);
              }
              remember(dedupKey);
              return null;
            });
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
