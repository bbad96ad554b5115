package dev.reef.memory;

import dev.reef.ReefException;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.memory.ConsumerSlot.Pending;
import dev.reef.spi.support.ConsumerCalls;
import dev.reef.spi.support.DaemonThreads;
import dev.reef.spi.support.Failures;
import dev.reef.spi.support.RedeliveryDecision;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend's delivery path: hands a slot's entry to its consumer and settles the attempt —
 * handled, retried after the {@link RetryPolicy}'s backoff (this class owns the retry timer and the
 * retries waiting on it), or dead-lettered into the hub. Expired spores are dead-lettered instead
 * of delivered. Every settled delivery is reported to the {@link SettleSignal}, so that close can
 * wait for them.
 */
final class Deliveries {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryBackend.class);

  private final InMemoryHub hub;
  private final RetryPolicy retryPolicy;
  private final EventSink events;
  private final SettleSignal signal;
  private final Map<Redelivery, Mailbox> pendingRetries = new ConcurrentHashMap<>();
  private ScheduledThreadPoolExecutor timer;

  Deliveries(InMemoryHub hub, RetryPolicy retryPolicy, EventSink events, SettleSignal signal) {
    this.hub = hub;
    this.retryPolicy = retryPolicy;
    this.events = events;
    this.signal = signal;
  }

  /** Starts the retry timer thread, named after the backend. */
  void start(String threadPrefix) {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadPrefix + "-retry"));
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /** Stops the retry timer and puts every waiting retry back into its mailbox at once. */
  void stop() {
    timer.shutdownNow();
    for (Redelivery pending : new ArrayList<>(pendingRetries.keySet())) {
      retryDue(pending); // back into its mailbox, for the hub's other consumers
    }
  }

  /**
   * Hands one entry to the slot's consumer.
   *
   * @return true if the slot may go on with the next entry, false if close took this one back
   */
  boolean handle(ConsumerSlot slot, Object entry) {
    Spore spore;
    int attempt;
    if (entry instanceof Spore) {
      spore = (Spore) entry;
      attempt = 1;
    } else {
      Redelivery r = (Redelivery) entry;
      spore = r.spore();
      attempt = r.attempt();
    }
    Mailbox mb = slot.mailbox;
    if (spore.expiresAt() != null && spore.isExpired()) {
      events.emit(SporeEvent.EXPIRED, mb.channelName, mb.agent, spore, null);
      hub.deadLetter(mb, spore, DeadLetter.REASON_EXPIRED, null, attempt - 1);
      if (slot.current.compareAndSet(entry, null)) {
        signal.settledOne();
      }
      return true;
    }
    events.emit(SporeEvent.DELIVERED, mb.channelName, mb.agent, spore, null);
    CompletionStage<?> stage = ConsumerCalls.deliver(slot.consumer, spore, attempt);
    if (stage instanceof CompletableFuture) {
      CompletableFuture<?> cf = (CompletableFuture<?>) stage;
      if (cf.isDone()) {
        Throwable failure = cf.isCompletedExceptionally() ? failureOf(cf) : null;
        settle(slot, entry, spore, attempt, failure, null);
        return true;
      }
    }
    // Still open: track it as pending (before it stops being current, so the backlog never misses
    // it) and let the slot go on with the next spore.
    Pending p = new Pending(entry);
    slot.pending.add(p);
    slot.pendingAdded();
    if (!slot.current.compareAndSet(entry, null)) {
      slot.pending.remove(p); // close gave it back to the mailbox meanwhile
      slot.pendingDone();
      return false;
    }
    stage.whenComplete(
        (r, t) -> {
          settle(slot, entry, spore, attempt, t, p);
          slot.pendingDone();
        });
    return true;
  }

  /**
   * Settles one delivery: counts it, schedules a retry or dead-letters it. Events and dead letters
   * are recorded before the entry stops counting as unsettled, so that an empty backlog implies
   * complete counters. If close already gave the entry back to the mailbox, nothing happens: it
   * will be delivered again.
   *
   * @param p the pending record of an asynchronous delivery, or null for the slot's current one
   */
  private void settle(
      ConsumerSlot slot, Object entry, Spore spore, int attempt, Throwable error, Pending p) {
    if (p == null ? slot.current.get() != entry : !slot.pending.contains(p)) {
      return;
    }
    Mailbox mb = slot.mailbox;
    if (error == null) {
      events.emit(SporeEvent.HANDLED, mb.channelName, mb.agent, spore, null);
      release(slot, entry, p);
      return;
    }
    Throwable cause = Failures.unwrap(error);
    String text = Failures.describe(cause);
    RedeliveryDecision decision = RedeliveryDecision.afterFailure(retryPolicy, attempt, cause);
    if (decision.retry()) {
      mb.retryScheduled();
      if (!release(slot, entry, p)) {
        mb.retryCancelled();
        return;
      }
      events.emit(SporeEvent.RETRIED, mb.channelName, mb.agent, spore, cause);
      Redelivery next = new Redelivery(spore, decision.nextAttempt(), text);
      try {
        pendingRetries.put(next, mb);
        timer.schedule(() -> retryDue(next), decision.backoff().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        retryDue(next); // closing: keep it in the mailbox for other consumers
      }
    } else {
      LOG.warn(
          "dead-lettering spore {} of agent '{}' on channel '{}' after {} attempt(s): {}",
          spore.id(),
          mb.agent,
          mb.channelName,
          attempt,
          text);
      events.emit(
          SporeEvent.DEAD_LETTERED,
          mb.channelName,
          mb.agent,
          spore,
          decision.deadLetterError(cause));
      hub.deadLetter(mb, spore, decision.reason().wireName(), text, attempt);
      release(slot, entry, p);
    }
  }

  /** Ends a delivery's unsettled state; false if close already gave it back to the mailbox. */
  private boolean release(ConsumerSlot slot, Object entry, Pending p) {
    boolean released = p == null ? slot.current.compareAndSet(entry, null) : slot.pending.remove(p);
    if (released) {
      signal.settledOne();
    }
    return released;
  }

  private void retryDue(Redelivery next) {
    Mailbox mb = pendingRetries.remove(next);
    if (mb != null) {
      mb.requeue(next, true);
    }
  }

  /** The failure of a future known to have completed exceptionally. */
  private static Throwable failureOf(CompletableFuture<?> cf) {
    try {
      cf.join();
      return new ReefException("future completed exceptionally without a cause");
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (RuntimeException e) {
      return e; // CancellationException
    }
  }
}
