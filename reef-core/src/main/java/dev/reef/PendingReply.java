package dev.reef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * An open {@code ask} or {@code gather}: the request id it waits on, the mailbox the responses
 * arrive in, and how to complete. Completed at most once (first response, enough responses, the
 * deadline, or close).
 */
abstract class PendingReply {
  final String channel;
  final String asker;
  final String requestId;
  volatile ScheduledFuture<?> timer;

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

  /** Ends at the deadline. */
  abstract void expire();

  /** Fails, for example on close or when the request could not be published. */
  abstract void fail(Throwable error);

  /** Completion hook: cancel the timer. */
  void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** The future of an {@code ask}: the first response. */
  static final class Ask extends PendingReply {
    final CompletableFuture<Spore> future = new CompletableFuture<>();
    private final Duration timeout;

    /** Whether the request went out asking for a direct reply (see {@code ReefBackend}). */
    volatile boolean direct;

    Ask(String channel, String asker, String requestId, Duration timeout) {
      super(channel, asker, requestId);
      this.timeout = timeout;
    }

    @Override
    boolean offer(Spore response) {
      return future.complete(response);
    }

    @Override
    void expire() {
      future.completeExceptionally(new RequestTimeoutException(requestId, timeout));
    }

    @Override
    void fail(Throwable error) {
      future.completeExceptionally(error);
    }
  }

  /** The state of a {@code gather}: one response per agent until all, first N, or deadline. */
  static final class Gather extends PendingReply {
    final CompletableFuture<GatherResult> future = new CompletableFuture<>();
    private final Set<String> expected;
    private final int firstN;
    private final List<Spore> replies = new ArrayList<>();
    private final Set<String> answered = new LinkedHashSet<>();
    private Spore request;
    private boolean published;
    private boolean expiredEarly;

    Gather(String channel, String asker, String requestId, Set<String> expected, int firstN) {
      super(channel, asker, requestId);
      this.expected = expected;
      this.firstN = firstN;
    }

    synchronized void published(Spore request) {
      this.request = request;
      this.published = true;
      if (expiredEarly) {
        finish(true);
      } else {
        maybeFinish();
      }
    }

    @Override
    synchronized boolean offer(Spore response) {
      if (future.isDone() || (firstN > 0 && replies.size() >= firstN)) {
        return true; // taken: the gather has what it needs
      }
      if (!answered.add(response.fromAgent())) {
        return false;
      }
      replies.add(response);
      maybeFinish();
      return true;
    }

    private void maybeFinish() {
      if (!published) {
        return;
      }
      boolean enough = firstN > 0 && replies.size() >= firstN;
      if (enough || answered.containsAll(expected)) {
        finish(false);
      }
    }

    @Override
    synchronized void expire() {
      if (!published) {
        expiredEarly = true; // still publishing: finish once the request is out
        return;
      }
      finish(true);
    }

    @Override
    void fail(Throwable error) {
      future.completeExceptionally(error);
    }

    private void finish(boolean timedOut) {
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(answered);
      future.complete(new GatherResult(request, replies, missing, timedOut));
    }
  }
}
