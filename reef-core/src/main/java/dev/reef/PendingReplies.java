package dev.reef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open asks and gathers of a reef, keyed by the id of their request (the {@code reply_to} of
 * their responses): takes the responses that answer them, arms and disarms their deadlines, and
 * remembers the recently ended ones so that late responses are dropped, not handed to handlers.
 * Each pending reply completes on its own ({@link PendingReply}); no lock is shared between them.
 * Thread-safe.
 */
final class PendingReplies {
  private static final Logger LOG = LoggerFactory.getLogger(PendingReplies.class);

  /** How many ended requests are remembered to recognise late responses. */
  static final int RECENT_REQUESTS = 4096;

  private final ConcurrentHashMap<String, PendingReply> open = new ConcurrentHashMap<>();
  private final RecentIds recent = new RecentIds(RECENT_REQUESTS);
  private final Deadlines deadlines = new Deadlines();
  private final StatsRecorder stats;

  PendingReplies(StatsRecorder stats) {
    this.stats = stats;
  }

  /** The asks and gathers still open. */
  int size() {
    return open.size();
  }

  /**
   * Registers a pending reply and arms its deadline. When it ends (answered, expired, failed or
   * cancelled) it is forgotten, remembered as recent, and {@code release} runs once.
   *
   * @param release the owner's part of the end, such as releasing the asker's mailbox
   * @return false if it ended at once because the reef is closing (the timer no longer runs)
   */
  boolean register(PendingReply p, Duration timeout, Runnable release) {
    p.onEnd(
        () -> {
          deadlines.disarm(p);
          open.remove(p.requestId, p);
          recent.add(p.requestId);
        },
        release);
    open.put(p.requestId, p);
    CompletableFuture<?> future = p.future();
    future.whenComplete((r, t) -> p.end()); // a cancelled future ends it too
    try {
      deadlines.arm(p, timeout.toNanos());
    } catch (RejectedExecutionException e) {
      p.fail(new ReefClosedException("the reef is closed"));
      return false;
    }
    if (future.isDone()) {
      deadlines.disarm(p);
    }
    return true;
  }

  /**
   * Hands a response published by this very reef straight to the open ask or gather it answers.
   * Besides saving a trip through the backend, this lets a handler ask another agent of the same
   * reef and wait for the answer: the answer does not queue behind that very handler in the asker's
   * mailbox.
   *
   * @return whether the response was taken (then it is not published)
   */
  boolean answer(String channel, Spore response) {
    if (open.isEmpty()) {
      return false;
    }
    String replyTo = response.replyTo();
    PendingReply p = replyTo == null ? null : open.get(replyTo);
    if (p == null || !response.isDirected() || !p.arrivesAt(channel, response.toAgent())) {
      return false;
    }
    if (!p.offer(response)) {
      return false; // a repeat from the same agent: let it take the ordinary path
    }
    stats.count(SporeEvent.SENT, channel, response.fromAgent(), response);
    stats.count(SporeEvent.DELIVERED, channel, response.toAgent(), response);
    stats.count(SporeEvent.HANDLED, channel, response.toAgent(), response);
    return true;
  }

  /**
   * Offers a response that arrived in a mailbox to the open ask or gather it answers, if it waits
   * there.
   *
   * @param direct whether it came on the backend's direct reply path: then nobody else can take it,
   *     so an unexpected one is counted and dropped rather than left to handlers
   * @return whether the response was consumed here
   */
  boolean take(String channel, String agent, Spore response, boolean direct) {
    String replyTo = response.replyTo();
    PendingReply p = open.get(replyTo);
    if (p != null && p.arrivesAt(channel, agent)) {
      if (!p.offer(response)) {
        stats.count(SporeEvent.DUPLICATE, channel, agent, response);
      }
      return true;
    }
    if (direct || (p == null && recent.contains(replyTo))) {
      // A late response to an ask or gather that already ended: its request expired with it.
      stats.count(SporeEvent.EXPIRED, channel, agent, response);
      LOG.debug("late response {} to ended request {} dropped", response.id(), replyTo);
      return true;
    }
    return false;
  }

  /** Takes a response the backend delivered on its direct reply path. */
  void takeDirect(String channel, Spore response) {
    String agent = response.toAgent();
    if (response.type() != SporeType.RESPONSE || response.replyTo() == null || agent == null) {
      stats.count(
          SporeEvent.MALFORMED, channel, agent == null ? response.fromAgent() : agent, response);
      LOG.debug("direct reply {} is not a directed response; dropped", response.id());
      return;
    }
    take(channel, agent, response, true);
  }

  /**
   * Fails the asks and gathers whose requests went out asking for a direct reply: the backend says
   * their responses can no longer arrive.
   */
  void directRepliesLost(String reason) {
    for (PendingReply p : open.values()) {
      if (p.direct) {
        p.fail(
            new ReefException(
                "the response to request "
                    + p.requestId
                    + " can no longer arrive ("
                    + reason
                    + "); the request may or may not have been handled"));
      }
    }
  }

  /** Fails every open ask and gather (the reef is closing). */
  void failAll(ReefException error) {
    for (PendingReply p : new ArrayList<>(open.values())) {
      p.fail(error);
    }
  }

  /** Stops the deadline timer; armed deadlines never fire. */
  void shutdown() {
    deadlines.shutdown();
  }
}
