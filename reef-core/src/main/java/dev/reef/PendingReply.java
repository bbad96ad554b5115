package dev.reef;

import dev.reef.directory.AgentTerminatedException;
import dev.reef.directory.MailboxTerminator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open {@code ask} or {@code gather}: the request id it waits on, the mailbox the responses
 * arrive in, and how to complete. Completed at most once (first response, enough responses, the
 * deadline, or close).
 */
abstract class PendingReply {
  final String channel;
  final String asker;
  final String requestId;

  /** The tick of its deadline in {@link Deadlines}. */
  volatile long deadlineTick;

  /**
   * Whether its requests went out asking for a direct reply (see {@code ReefBackend}): then its
   * responses come back on the backend's direct reply path and no mailbox is opened for it.
   */
  volatile boolean direct;

  PendingReply(String channel, String asker, String requestId) {
    this.channel = channel;
    this.asker = asker;
    this.requestId = requestId;
  }

  boolean arrivesAt(String channel, String agent) {
    return this.channel.equals(channel) && asker.equals(agent);
  }

  /**
   * Offers a response.
   *
   * @return false if it was not taken (a repeat from an agent that already answered)
   */
  abstract boolean offer(Spore response);

  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Runnable onEnd;
  private volatile Runnable release;

  /**
   * Sets the owner's bookkeeping for the end (forget the request), run once by {@link #end()}. Set
   * before the pending reply can be answered.
   */
  void onEnd(Runnable hook) {
    onEnd(hook, null);
  }

  /**
   * Sets the owner's bookkeeping for the end and the release of what it opened (the asker's
   * mailbox, a backend call), each run once by {@link #end()}.
   */
  void onEnd(Runnable hook, Runnable release) {
    this.onEnd = hook;
    this.release = release;
  }

  /**
   * Runs the end-of-life hooks once. Called just before the future completes, so that the caller
   * who waits on it finds the reef already tidy (and does not contend with the tidying when it asks
   * again at once); also called when the caller cancels the future.
   */
  final void end() {
    if (endFirst()) {
      release();
    }
  }

  /**
   * Runs the bookkeeping but not the release: at the deadline (on the timer thread) the future
   * completes first and the release follows, so that no backend call delays a timeout.
   *
   * @return whether this call ended it (then the caller runs {@link #release()})
   */
  final boolean endFirst() {
    if (ended.compareAndSet(false, true)) {
      Runnable hook = onEnd;
      if (hook != null) {
        hook.run();
      }
      return true;
    }
    return false;
  }

  /** Runs the release once, after {@link #endFirst()} returned true. */
  final void release() {
    Runnable r = release;
    if (r != null) {
      release = null;
      r.run();
    }
  }

  /** Ends at the deadline. */
  abstract void expire();

  /** The future the caller of the ask or gather holds. */
  abstract CompletableFuture<?> future();

  /** Fails, for example on close or when the request could not be published. */
  abstract void fail(Throwable error);

  /** The future of an {@code ask}: the first response. */
  static final class Ask extends PendingReply {
    final CompletableFuture<Spore> future = new CompletableFuture<>();
    private final Duration timeout;

    Ask(String channel, String asker, String requestId, Duration timeout) {
      super(channel, asker, requestId);
      this.timeout = timeout;
    }

    @Override
    CompletableFuture<Spore> future() {
      return future;
    }

    @Override
    boolean offer(Spore response) {
      if (future.isDone()) {
        return false;
      }
      end();
      // A terminated agent's answer (docs/directory.md) fails the ask with its own type.
      Optional<AgentTerminatedException> terminated =
          MailboxTerminator.terminatedBy(response, channel);
      if (terminated.isPresent()) {
        return future.completeExceptionally(terminated.get());
      }
      Optional<RemoteFailureException> failure = ErrorResponses.failureOf(response);
      return failure.isPresent()
          ? future.completeExceptionally(failure.get())
          : future.complete(response);
    }

    @Override
    void expire() {
      if (!future.isDone()) {
        boolean mine = endFirst();
        future.completeExceptionally(new RequestTimeoutException(requestId, timeout));
        if (mine) {
          release();
        }
      }
    }

    @Override
    void fail(Throwable error) {
      if (!future.isDone()) {
        end();
        future.completeExceptionally(error);
      }
    }
  }

  /** The state of a {@code gather}: one response per agent until all, first N, or deadline. */
  static final class Gather extends PendingReply {
    final CompletableFuture<GatherResult> future = new CompletableFuture<>();
    private final Set<String> expected;
    private final int firstN;
    private final List<Spore> replies = new ArrayList<>();
    private final Set<String> answered = new LinkedHashSet<>();
    private final Map<String, RemoteFailureException> failures = new LinkedHashMap<>();
    private Spore request;
    private boolean published;
    private boolean expiredEarly;
    private boolean finished;

    Gather(String channel, String asker, String requestId, Set<String> expected, int firstN) {
      super(channel, asker, requestId);
      this.expected = expected;
      this.firstN = firstN;
    }

    @Override
    CompletableFuture<GatherResult> future() {
      return future;
    }

    void published(Spore request) {
      GatherResult done;
      synchronized (this) {
        this.request = request;
        this.published = true;
        done = expiredEarly ? result(true) : resultIfReady();
      }
      complete(done);
    }

    @Override
    boolean offer(Spore response) {
      GatherResult done;
      synchronized (this) {
        if (finished || future.isDone() || (firstN > 0 && replies.size() >= firstN)) {
          return true; // taken: the gather has what it needs
        }
        if (!answered.add(response.fromAgent())) {
          return false;
        }
        Optional<RemoteFailureException> failure = ErrorResponses.failureOf(response);
        if (failure.isPresent()) {
          failures.put(response.fromAgent(), failure.get());
        } else {
          replies.add(response);
        }
        done = resultIfReady();
      }
      complete(done);
      return true;
    }

    @Override
    void expire() {
      GatherResult done;
      synchronized (this) {
        if (!published) {
          expiredEarly = true; // still publishing: finish once the request is out
          return;
        }
        done = result(true);
      }
      if (done != null) {
        boolean mine = endFirst();
        future.complete(done);
        if (mine) {
          release();
        }
      }
    }

    @Override
    void fail(Throwable error) {
      if (!future.isDone()) {
        end();
        future.completeExceptionally(error);
      }
    }

    /** The result if the gather has what it needs; called holding the monitor. */
    private GatherResult resultIfReady() {
      if (!published) {
        return null;
      }
      if (answered.containsAll(expected)) {
        return result(false);
      }
      return firstN > 0 && replies.size() >= firstN ? result(false) : null;
    }

    /** The result, once: null if it was taken before; called holding the monitor. */
    private GatherResult result(boolean timedOut) {
      if (finished || future.isDone()) {
        return null;
      }
      finished = true;
      Set<String> unanswered = new LinkedHashSet<>(expected);
      unanswered.removeAll(answered);
      boolean enough = !timedOut && firstN > 0 && replies.size() >= firstN;
      // With firstN reached, the agents that had not answered were no longer waited for.
      return enough
          ? new GatherResult(request, replies, Set.of(), unanswered, false, failures)
          : new GatherResult(request, replies, unanswered, Set.of(), timedOut, failures);
    }

    /**
     * Completes with a result, outside the monitor: ending runs the owner's bookkeeping, which may
     * detach a mailbox (a backend call).
     */
    private void complete(GatherResult result) {
      if (result != null) {
        end();
        future.complete(result);
      }
    }
  }
}
