package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.amqp.internal.HeaderNesting;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.NoHandlerException;
import dev.reef.spi.support.ConsumerCalls;
import dev.reef.spi.support.DeadLetterHeaders;
import dev.reef.spi.support.Failures;
import dev.reef.spi.support.RedeliveryDecision;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of one mailbox queue (manual acknowledgement, bounded prefetch), on a consumer
 * channel it shares with other mailboxes through its {@link MailboxAttachment}.
 *
 * <p>Per delivery: a message that cannot be read is dead-lettered ({@code malformed}); the sender's
 * own undirected spore (the mailbox's {@code broadcast.*} binding delivers it back) is acknowledged
 * and skipped without an event, because it was never meant for this mailbox; an expired spore is
 * dead-lettered ({@code expired}); otherwise the consumer is called and the message acknowledged
 * when its stage completes. A failed attempt below the retry policy's limit is republished to the
 * same queue with {@code x-reef-attempts} + 1 after the backoff, and the original acknowledged only
 * once the broker confirmed the copy; the last failure dead-letters it ({@code handler_failed})
 * with the error, to the channel's dead-letter exchange. A retry copy keeps the message's original
 * exchange and routing key in {@code x-reef-original-exchange} / {@code
 * x-reef-original-routing-key}, and its dead letter carries them as {@code x-reef-exchange} /
 * {@code x-reef-routing-key}, so that a replay can send it back along its first route. A consumer
 * that throws or returns a {@code null} stage has failed the attempt (see {@link MailboxConsumer}).
 * The original stays unacknowledged until its successor is safely in the broker, so a crash at any
 * point redelivers rather than loses (at-least-once), and the backoff holds only one prefetch slot,
 * not the queue.
 *
 * <p>A delivery the consumer refuses with {@link NoHandlerException} (its last handler was just
 * unsubscribed), or one that arrives after {@link #close()} began, is no attempt: it is parked
 * until the consumer is cancelled and then returned to the queue (nack with requeue), never retried
 * or dead-lettered; the next consumer handles it.
 *
 * <p>A mailbox moves: when the broker closes its shared channel for a reason of its own (a
 * neighbour's refused consume, any channel error), the registry calls {@link #moveFrom}, and the
 * mailbox consumes again on another channel. Every delivery is settled on the channel it came from
 * ({@link DeliveryTag}): one from the closed channel can no longer be acknowledged, the broker
 * requeued it and delivers it again on the new channel (at-least-once), and its settling only
 * counts it out. A consumer the broker cancelled (its queue deleted) consumes again after declaring
 * the queue. Every (re)attachment after the first runs on the backend's scheduler thread, so two
 * never race.
 *
 * <p>Over 450 lines because every way a delivery is settled (ack, retry copy, dead letter, requeue,
 * parked) shares one delivery tag, one in-flight count and one channel lock, and moving to another
 * channel must agree with all three; splitting would spread them over classes that then must agree.
 */
final class AmqpMailbox implements MailboxSubscription {
  private static final Logger log = LoggerFactory.getLogger(AmqpMailbox.class);
  private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

  /** How long to wait before requeueing a message whose dead-letter copy was not accepted. */
  private static final Duration DEAD_LETTER_RETRY_DELAY = Duration.ofSeconds(1);

  /**
   * How long a delivery the consumer refused for want of a handler waits for this subscription's
   * close (an unsubscribe removes the handlers first, then closes the consumption) before it is
   * taken for a failed attempt: a mailbox consumed only for an ask's responses has no handler.
   */
  static final Duration NO_HANDLER_GRACE = Duration.ofSeconds(1);

  private final MailboxContext backend;
  private final String channelName;
  private final String agent;
  private final String queue;
  private final MailboxConsumer consumer;
  private final AtomicInteger inflight = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean channelReleased = new AtomicBoolean();
  private final SerialDeliveries deliveries;

  /** The consumer on the channel this mailbox consumes on now; null until the first attach. */
  private volatile MailboxAttachment current;

  /** Guards {@link #current} against a concurrent {@link #close()} (no broker call under it). */
  private final Object attachLock = new Object();

  /** A delivery: its tag means something only on the channel it came from. */
  record DeliveryTag(Channel channel, long tag) {}

  /** Set once {@link #close()} has cancelled the consumer (or tried to): parked tags go back. */
  private volatile boolean cancelled;

  /**
   * Deliveries not handled and not settled, by delivery tag: received after {@link #close()} began,
   * or refused by the consumer with {@link NoHandlerException}. Each goes back to the queue (nack
   * with requeue) once the consumer is cancelled, or runs its fallback if no close comes within
   * {@link #NO_HANDLER_GRACE}. Whoever removes a tag settles it.
   */
  private final Map<DeliveryTag, Runnable> parked = new ConcurrentHashMap<>();

  /** Notified, while {@link #idleWaiter} is set, when the last in-flight delivery settles. */
  private final Object idleLock = new Object();

  private volatile boolean idleWaiter;

  AmqpMailbox(
      MailboxContext backend,
      String channelName,
      String agent,
      String queue,
      MailboxConsumer consumer) {
    this.backend = backend;
    this.channelName = channelName;
    this.agent = agent;
    this.queue = queue;
    this.consumer = consumer;
    this.deliveries = new SerialDeliveries(backend.deliveryPool());
  }

  /**
   * Consumes the queue on the channel given (counted as used by this mailbox). If the broker closed
   * that channel meanwhile, the mailbox moves on at once.
   *
   * @throws IOException if the broker refuses the consume (the channel is not released here)
   */
  void start(Channel channel) throws IOException {
    MailboxAttachment a = new MailboxAttachment(channel, this);
    a.start(queue);
    synchronized (attachLock) {
      current = a;
    }
    if (!channel.isOpen()) {
      // Closed between the consume and now: the registry may have looked before `current` was set.
      backend.schedule(() -> moveFrom(channel), Duration.ZERO);
    }
  }

  /** The channel this mailbox consumes on now, or null before the first attach. */
  Channel currentChannel() {
    MailboxAttachment a = current;
    return a == null ? null : a.getChannel();
  }

  @Override
  public String channel() {
    return channelName;
  }

  @Override
  public String agent() {
    return agent;
  }

  String queue() {
    return queue;
  }

  int inflight() {
    return inflight.get();
  }

  boolean isClosed() {
    return closed.get();
  }

  /**
   * Counts the delivery in flight and queues it for this mailbox ({@link SerialDeliveries}): the
   * channel's thread, shared with other mailboxes, never runs a handler.
   */
  void delivered(
      MailboxAttachment from, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
    inflight.incrementAndGet();
    backend.inflightChanged(1);
    DeliveryTag deliveryTag = new DeliveryTag(from.getChannel(), envelope.getDeliveryTag());
    deliveries.execute(() -> deliver(deliveryTag, envelope, props, body));
  }

  private void deliver(
      DeliveryTag deliveryTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
    if (closed.get()) {
      // Intake stopped: never handled here, it goes back to the queue once the cancel is done.
      park(deliveryTag, () -> requeue(deliveryTag));
      return;
    }
    String hostile = HeaderNesting.refusal(props.getHeaders());
    if (hostile != null) {
      refuseHeaders(deliveryTag, envelope, props, body, hostile);
      return;
    }
    int attempt = AmqpSporeMapper.attempts(props);
    Spore spore;
    try {
      spore =
          backend.mapper().decode(envelope.getRoutingKey(), props, body, backend.maxBodyBytes());
    } catch (MalformedMessageException | RuntimeException e) {
      log.warn(
          "malformed message {} in mailbox {} dead-lettered: {}",
          props.getMessageId(),
          queue,
          e.getMessage());
      backend.event(SporeEvent.MALFORMED, channelName, agent, null, e);
      deadLetter(
          deliveryTag, envelope, props, body, DeadLetterReason.MALFORMED, e.getMessage(), attempt);
      return;
    }
    if (spore.toAgent() == null && spore.fromAgent().equals(agent)) {
      settle(deliveryTag, true);
      return;
    }
    if (spore.isExpired(Instant.now())) {
      deadLetterExpired(deliveryTag, envelope, props, body, spore, attempt);
      return;
    }
    backend.rememberReplyAddress(channelName, spore, props.getReplyTo());
    backend.event(SporeEvent.DELIVERED, channelName, agent, spore, null);
    CompletionStage<?> stage = ConsumerCalls.deliver(consumer, spore, attempt);
    stage.whenComplete(
        (ok, err) -> {
          if (err == null) {
            backend.event(SporeEvent.HANDLED, channelName, agent, spore, null);
            settle(deliveryTag, true);
          } else if (Failures.unwrap(err) instanceof NoHandlerException) {
            // Not an attempt: the handlers left (an unsubscribe); the close returns it.
            Runnable fallback =
                () ->
                    failed(
                        deliveryTag, envelope, props, body, spore, attempt, Failures.unwrap(err));
            park(deliveryTag, fallback);
            backend.schedule(() -> unpark(deliveryTag), NO_HANDLER_GRACE);
          } else {
            failed(deliveryTag, envelope, props, body, spore, attempt, Failures.unwrap(err));
          }
        });
  }

  /**
   * Dead-letters ({@code malformed}) a message whose headers nest too deeply: the copy carries the
   * headers without the hostile ones (amqp-client's writer recurses too), named in {@link
   * HeaderNesting#REFUSED}.
   */
  private void refuseHeaders(
      DeliveryTag deliveryTag,
      Envelope envelope,
      AMQP.BasicProperties props,
      byte[] body,
      String why) {
    log.warn(
        "malformed message {} in mailbox {} dead-lettered: {}", props.getMessageId(), queue, why);
    backend.event(
        SporeEvent.MALFORMED, channelName, agent, null, new MalformedMessageException(why));
    AMQP.BasicProperties safe =
        props.builder().headers(HeaderNesting.sanitise(props.getHeaders())).build();
    deadLetter(
        deliveryTag,
        envelope,
        safe,
        body,
        DeadLetterReason.MALFORMED,
        why,
        AmqpSporeMapper.attempts(safe));
  }

  private void failed(
      DeliveryTag deliveryTag,
      Envelope envelope,
      AMQP.BasicProperties props,
      byte[] body,
      Spore spore,
      int attempt,
      Throwable error) {
    RedeliveryDecision decision =
        RedeliveryDecision.afterFailure(backend.retryPolicy(), attempt, error);
    if (decision.retry()) {
      backend.event(SporeEvent.RETRIED, channelName, agent, spore, error);
      backend.schedule(
          () -> redeliver(deliveryTag, envelope, props, body, spore, decision.nextAttempt()),
          decision.backoff());
    } else {
      String text = Failures.describe(error);
      log.warn(
          "spore {} in mailbox {} failed {} time(s), dead-lettered: {}",
          spore.id(),
          queue,
          attempt,
          text);
      backend.event(
          SporeEvent.DEAD_LETTERED, channelName, agent, spore, decision.deadLetterError(error));
      deadLetter(deliveryTag, envelope, props, body, decision.reason(), text, attempt);
    }
  }

  /** Republishes the next attempt to this queue, then acknowledges the original. */
  private void redeliver(
      DeliveryTag deliveryTag,
      Envelope envelope,
      AMQP.BasicProperties props,
      byte[] body,
      Spore spore,
      int nextAttempt) {
    if (!deliveryTag.channel().isOpen()) {
      // The broker requeued the original when the channel closed: it comes back by itself.
      settle(deliveryTag, false);
      return;
    }
    Instant now = Instant.now();
    if (spore.isExpired(now)) {
      deadLetterExpired(deliveryTag, envelope, props, body, spore, nextAttempt - 1);
      return;
    }
    Map<String, Object> headers =
        DeadLetterHeaders.retry(
            props.getHeaders(), nextAttempt, envelope.getExchange(), envelope.getRoutingKey());
    AMQP.BasicProperties.Builder b = props.builder().headers(headers);
    b.expiration(AmqpSporeMapper.expiration(spore, now, backend.expiryGraceMillis()));
    backend
        .publishRaw("", queue, b.build(), body)
        .whenComplete(
            (routed, err) -> {
              if (err == null && Boolean.TRUE.equals(routed)) {
                settle(deliveryTag, true);
              } else {
                log.warn(
                    "could not republish spore {} to {} for another attempt ({}); requeued",
                    spore.id(),
                    queue,
                    err != null ? err.toString() : "returned");
                requeue(deliveryTag);
              }
            });
  }

  /** Counts an expired spore and dead-letters it with reason {@code expired}. */
  private void deadLetterExpired(
      DeliveryTag deliveryTag,
      Envelope envelope,
      AMQP.BasicProperties props,
      byte[] body,
      Spore spore,
      int attempt) {
    backend.event(SporeEvent.EXPIRED, channelName, agent, spore, null);
    deadLetter(
        deliveryTag,
        envelope,
        props,
        body,
        DeadLetterReason.EXPIRED,
        "expired at " + spore.expiresAt(),
        attempt);
  }

  /**
   * Publishes a copy to the dead-letter exchange (body and headers kept, plus the reason, the error
   * and the attempts; no expiration, so it stays), then acknowledges the original.
   */
  private void deadLetter(
      DeliveryTag deliveryTag,
      Envelope envelope,
      AMQP.BasicProperties props,
      byte[] body,
      DeadLetterReason reason,
      String error,
      int attempts) {
    Map<String, Object> headers =
        DeadLetterHeaders.of(
            props.getHeaders(),
            reason,
            error,
            attempts,
            channelName,
            queue,
            envelope.getExchange(),
            envelope.getRoutingKey());
    AMQP.BasicProperties copy = props.builder().headers(headers).expiration(null).build();
    String exchange;
    try {
      exchange = backend.deadLetterExchange(channelName);
    } catch (RuntimeException e) {
      log.warn(
          "cannot dead-letter message {} from {} ({}); requeued after a pause",
          props.getMessageId(),
          queue,
          e.toString());
      backend.schedule(() -> requeue(deliveryTag), DEAD_LETTER_RETRY_DELAY);
      return;
    }
    backend
        .publishRaw(exchange, (String) headers.get(DeadLetterHeaders.ROUTING_KEY), copy, body)
        .whenComplete(
            (routed, err) -> {
              if (err == null && Boolean.TRUE.equals(routed)) {
                settle(deliveryTag, true);
              } else {
                log.warn(
                    "could not dead-letter message {} from {} ({}); requeued after a pause",
                    props.getMessageId(),
                    queue,
                    err != null ? err.toString() : "no dead-letter queue bound");
                backend.schedule(() -> requeue(deliveryTag), DEAD_LETTER_RETRY_DELAY);
              }
            });
  }

  /** Holds an unhandled delivery until the cancel; returns it at once if that is done. */
  private void park(DeliveryTag deliveryTag, Runnable fallback) {
    parked.put(deliveryTag, fallback);
    if (cancelled) {
      requeueParked();
    }
  }

  /** Runs a parked delivery's fallback, unless the close took it back already. */
  private void unpark(DeliveryTag deliveryTag) {
    Runnable fallback = parked.remove(deliveryTag);
    if (fallback != null) {
      fallback.run();
    }
  }

  /** Returns every parked delivery to the queue (the consumer is cancelled: it goes elsewhere). */
  private void requeueParked() {
    for (DeliveryTag tag : parked.keySet()) {
      if (parked.remove(tag) != null) {
        requeue(tag);
      }
    }
  }

  private void requeue(DeliveryTag deliveryTag) {
    Channel ch = deliveryTag.channel();
    synchronized (this) {
      try {
        if (ch.isOpen()) {
          ch.basicNack(deliveryTag.tag(), false, true);
        }
      } catch (IOException | RuntimeException e) {
        log.debug(
            "nack of {} on {} failed (the broker requeues it): {}", deliveryTag.tag(), queue, e);
      }
    }
    done();
  }

  /** Acknowledges (or, with {@code ack} false, only forgets) a delivery and updates counters. */
  private void settle(DeliveryTag deliveryTag, boolean ack) {
    if (ack) {
      Channel ch = deliveryTag.channel();
      synchronized (this) {
        try {
          if (ch.isOpen()) {
            ch.basicAck(deliveryTag.tag(), false);
          }
        } catch (IOException | RuntimeException e) {
          log.debug(
              "ack of {} on {} failed (the broker redelivers it): {}", deliveryTag.tag(), queue, e);
        }
      }
    }
    done();
  }

  private void done() {
    backend.inflightChanged(-1);
    if (inflight.decrementAndGet() == 0) {
      if (idleWaiter) {
        synchronized (idleLock) {
          idleLock.notifyAll();
        }
      }
      if (closed.get()) {
        closeChannel();
      }
    }
  }

  @Override
  public void close() {
    MailboxAttachment a;
    synchronized (attachLock) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      a = current;
    }
    backend.unregister(this);
    if (a != null) {
      a.cancel();
    }
    // Cancelled first, so the broker does not hand them straight back to this consumer.
    cancelled = true;
    requeueParked();
    if (inflight.get() == 0) {
      closeChannel();
    }
  }

  /**
   * Gives the channel back (other mailboxes share it; the last one closes it, and the broker
   * requeues what is unacknowledged then). Once.
   */
  void closeChannel() {
    Channel ch = currentChannel();
    if (ch != null && channelReleased.compareAndSet(false, true)) {
      backend.releaseChannel(ch);
    }
  }

  /**
   * A round trip on this mailbox's channel (a {@code basic.qos} with the same prefetch, which never
   * fails for want of a queue): deliveries the broker wrote on the channel before its answer have
   * been read when it returns.
   */
  void flush(int prefetch) {
    Channel ch = currentChannel();
    if (closed.get() || ch == null || !ch.isOpen()) {
      return;
    }
    try {
      ch.basicQos(prefetch);
    } catch (IOException | RuntimeException e) {
      log.debug("round trip on the channel of {} failed: {}", queue, e.toString());
    }
  }

  /** The broker cancelled this consumer (its queue was deleted): declare it and consume again. */
  void cancelledByBroker(MailboxAttachment a) {
    if (closed.get() || a != current) {
      return;
    }
    backend.mailboxDeleted(channelName, agent, queue);
    backend.schedule(() -> attachAgain(true), RESUBSCRIBE_DELAY);
  }

  /**
   * The broker closed the channel this mailbox consumed on, for a reason of its own (the registry
   * calls this on the scheduler thread): consumes again on another channel. Does nothing if the
   * mailbox is closed or consumes elsewhere already.
   */
  void moveFrom(Channel dead) {
    if (currentChannel() == dead) {
      attachAgain(false);
    }
  }

  /**
   * Consumes the queue again (declaring it first if asked): on the same channel if it is still open
   * (the broker cancelled the consumer), else on another one from the pool, forgetting the old
   * consumer. Runs on the scheduler thread only. On failure: a queue found deleted is declared
   * again; a refused read permission for this queue is given up (a WARN; consuming it again would
   * close a shared channel each time); anything else is tried again after {@link
   * #RESUBSCRIBE_DELAY}.
   */
  private void attachAgain(boolean declare) {
    MailboxAttachment old = current;
    if (closed.get() || old == null || old.isLive()) {
      return;
    }
    Channel ch = old.getChannel();
    boolean reuse = ch.isOpen();
    try {
      if (declare) {
        backend.declareMailbox(channelName, agent);
      }
      if (!reuse) {
        old.retire();
        ch = backend.acquireChannel();
      }
      MailboxAttachment next = new MailboxAttachment(ch, this);
      try {
        next.start(queue);
      } catch (IOException | RuntimeException e) {
        if (!reuse) {
          backend.releaseChannel(ch);
        }
        throw e;
      }
      install(next, !reuse);
    } catch (IOException | RuntimeException e) {
      if (BrokerErrors.concernsQueue(e, queue) && BrokerErrors.isAccessRefused(e)) {
        log.warn(
            "mailbox {} can no longer be consumed ({}); it receives nothing until unsubscribed and"
                + " subscribed again",
            queue,
            BrokerErrors.describe(e));
      } else if (BrokerErrors.concernsQueue(e, queue)
          && BrokerErrors.replyCode(e) == AMQP.NOT_FOUND) {
        backend.mailboxDeleted(channelName, agent, queue);
        backend.schedule(() -> attachAgain(true), RESUBSCRIBE_DELAY);
      } else {
        log.warn("cannot consume mailbox {} again yet: {}", queue, BrokerErrors.describe(e));
        backend.schedule(() -> attachAgain(declare), RESUBSCRIBE_DELAY);
      }
    }
  }

  /** Makes a new consumer current, unless this mailbox closed meanwhile (then it is undone). */
  private void install(MailboxAttachment next, boolean acquired) {
    boolean installed;
    synchronized (attachLock) {
      installed = !closed.get();
      if (installed) {
        current = next;
      }
    }
    Channel ch = next.getChannel();
    if (!installed) {
      next.cancel();
      requeueParked();
      if (acquired) {
        backend.releaseChannel(ch);
      }
      return;
    }
    log.debug("consuming mailbox {} again{}", queue, acquired ? " on another channel" : "");
    if (!ch.isOpen()) {
      // Closed before `current` was set: the registry may not have seen this mailbox on it.
      backend.schedule(() -> moveFrom(ch), Duration.ZERO);
    }
  }

  /**
   * Waits until no delivery of this mailbox is in flight, or the deadline passed.
   *
   * @param deadlineNanos a {@link System#nanoTime()} deadline
   * @return true if idle
   */
  boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    idleWaiter = true;
    synchronized (idleLock) {
      while (inflight.get() > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idleLock, left);
      }
    }
    return true;
  }
}
