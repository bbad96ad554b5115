package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.reef.PublishException;
import dev.reef.ReefClosedException;
import dev.reef.spi.support.Failures;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing channels in confirm mode and the confirm window they share (with the ask channel
 * of {@link DirectReplies}). A thread always publishes on the same channel, so one thread's spores
 * keep their order; a channel a channel-level error closed for good is replaced on its next use.
 * Thread-safe; no lock is held while a channel is opened.
 */
final class PublisherPool {
  private static final Logger log = LoggerFactory.getLogger(PublisherPool.class);

  /** Opens a channel's publisher, or returns the one in use. */
  @FunctionalInterface
  interface PublisherSource {
    ConfirmingPublisher get() throws IOException;
  }

  /** The shortest pause between two confirm sweeps. */
  static final Duration MIN_SWEEP_PERIOD = Duration.ofMillis(100);

  /** The longest pause between two confirm sweeps. */
  static final Duration MAX_SWEEP_PERIOD = Duration.ofSeconds(1);

  /** Confirm sweeps per confirm timeout, between the bounds above. */
  static final int SWEEPS_PER_TIMEOUT = 4;

  private final AmqpSettings settings;
  private final AmqpConnection connection;
  private final Semaphore window;
  private final Runnable onChannelError;
  private final Executor completions;
  private final AtomicReferenceArray<ConfirmingPublisher> publishers;
  private final List<PublisherSource> extra = new CopyOnWriteArrayList<>();
  private final LongAdder published = new LongAdder();
  private final BrokerNotices broker;

  private PublisherPool(
      AmqpSettings settings,
      AmqpConnection connection,
      Runnable onChannelError,
      Executor completions,
      BrokerNotices broker) {
    this.broker = broker;
    this.settings = settings;
    this.connection = connection;
    this.window = new Semaphore(settings.confirmWindow());
    this.onChannelError = onChannelError;
    this.completions = completions;
    this.publishers = new AtomicReferenceArray<>(settings.publisherChannels());
  }

  /**
   * Opens the publishing channels.
   *
   * @param onChannelError run when a channel error closes a publishing channel
   * @param completions completes the publishes' futures
   * @param broker tells whether the broker blocks publishes
   */
  static PublisherPool open(
      AmqpSettings settings,
      AmqpConnection connection,
      Runnable onChannelError,
      Executor completions,
      BrokerNotices broker)
      throws IOException {
    PublisherPool pool =
        new PublisherPool(settings, connection, onChannelError, completions, broker);
    for (int i = 0; i < pool.publishers.length(); i++) {
      pool.publishers.set(i, pool.newPublisher(connection.openChannel(), false));
    }
    return pool;
  }

  /**
   * A publisher on a new channel, sharing this pool's confirm window.
   *
   * @param inlineRouted see {@link ConfirmingPublisher}
   */
  ConfirmingPublisher newPublisher(Channel channel, boolean inlineRouted) throws IOException {
    return new ConfirmingPublisher(channel, window, onChannelError, completions, inlineRouted);
  }

  /**
   * Publishes raw bytes with a confirm, mandatory, on the calling thread's channel. The future
   * completes (on a callback thread, never the connection's I/O thread) with whether the message
   * was routed.
   */
  CompletableFuture<Boolean> publish(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    return publish(this::threadPublisher, exchange, routingKey, props, body);
  }

  /**
   * Publishes with a confirm, mandatory, on the given source's publisher, once the confirm window
   * has room (waiting at most the publish timeout). While the broker blocks publishes (flow
   * control), fails at once with {@link BrokerBlockedException}: the message would only wait in a
   * blocked socket, holding its caller and a place in the window.
   */
  CompletableFuture<Boolean> publish(
      PublisherSource source,
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body) {
    return publish(source, exchange, routingKey, props, body, true);
  }

  /**
   * Like {@link #publish(String, String, AMQP.BasicProperties, byte[])}, but while the broker
   * blocks publishes it waits for room in the window like any publish instead of failing at once:
   * for the copies a mailbox publishes to settle a delivery (a retry, a dead letter), whose failure
   * would only requeue the delivery and run its handler again at once, over and over while the
   * broker blocks.
   */
  CompletableFuture<Boolean> publishSettling(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    return publish(this::threadPublisher, exchange, routingKey, props, body, false);
  }

  private CompletableFuture<Boolean> publish(
      PublisherSource source,
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      boolean failWhenBlocked) {
    published.increment();
    if (!connection.isOpen()) {
      return CompletableFuture.failedFuture(new ReefClosedException("the AMQP backend is closed"));
    }
    String blocked = failWhenBlocked ? broker.blockedReason() : null;
    if (blocked != null) {
      return CompletableFuture.failedFuture(
          new BrokerBlockedException(
              "the broker blocks publishes ("
                  + blocked
                  + "); the message was not sent (send it again once the broker unblocks)"));
    }
    CompletableFuture<Boolean> full = acquire(1);
    if (full != null) {
      return full;
    }
    ConfirmingPublisher p;
    try {
      p = source.get();
    } catch (IOException | RuntimeException e) {
      window.release();
      return CompletableFuture.failedFuture(
          new PublishException("no publishing channel: " + Failures.describe(e), e));
    }
    // Completed on the callbacks executor by the publisher, one task per confirm frame.
    return p.publish(exchange, routingKey, true, props, body);
  }

  /**
   * Publishes a batch on the calling thread's channel, in order, each with its own confirm: the
   * confirm window's permits are taken for up to a window's worth of messages at once, and each
   * such slice goes out under one hold of the channel's lock. Fails as {@link #publish(String,
   * String, AMQP.BasicProperties, byte[])} does, per message.
   *
   * @return one future per message, in order
   */
  List<CompletableFuture<Boolean>> publishAll(List<ConfirmingPublisher.Message> messages) {
    List<CompletableFuture<Boolean>> results = new ArrayList<>(messages.size());
    published.add(messages.size());
    CompletableFuture<Boolean> refused = null;
    if (!connection.isOpen()) {
      refused =
          CompletableFuture.failedFuture(new ReefClosedException("the AMQP backend is closed"));
    } else {
      String blocked = broker.blockedReason();
      if (blocked != null) {
        refused =
            CompletableFuture.failedFuture(
                new BrokerBlockedException(
                    "the broker blocks publishes ("
                        + blocked
                        + "); the message was not sent (send it again once the broker unblocks)"));
      }
    }
    int slice = Math.max(1, settings.confirmWindow());
    for (int from = 0; from < messages.size(); from += slice) {
      List<ConfirmingPublisher.Message> part =
          messages.subList(from, Math.min(messages.size(), from + slice));
      if (refused == null) {
        refused = acquire(part.size());
      }
      if (refused == null) {
        ConfirmingPublisher p = null;
        try {
          p = threadPublisher();
        } catch (IOException | RuntimeException e) {
          window.release(part.size());
          refused =
              CompletableFuture.failedFuture(
                  new PublishException("no publishing channel: " + Failures.describe(e), e));
        }
        if (p != null) {
          results.addAll(p.publishAll(part));
          continue;
        }
      }
      for (int i = 0; i < part.size(); i++) {
        results.add(refused);
      }
    }
    return results;
  }

  /** Takes permits of the confirm window; null when taken, else the failure. */
  private CompletableFuture<Boolean> acquire(int permits) {
    Duration timeout = settings.publishTimeout();
    try {
      if (window.tryAcquire(permits, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return null;
      }
      return CompletableFuture.failedFuture(
          new PublishException(
              "the confirm window ("
                  + settings.confirmWindow()
                  + " unconfirmed publishes) stayed full for "
                  + timeout.toMillis()
                  + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(
          new PublishException("interrupted while waiting for the confirm window", e));
    }
  }

  /** The calling thread's publisher, replaced if a channel-level error closed it for good. */
  private ConfirmingPublisher threadPublisher() throws IOException {
    int slot = (int) (Thread.currentThread().getId() % publishers.length());
    ConfirmingPublisher p = publishers.get(slot);
    if (!p.isDead()) {
      return p;
    }
    ConfirmingPublisher fresh = newPublisher(connection.openChannel(), false);
    if (publishers.compareAndSet(slot, p, fresh)) {
      log.info("replaced a publishing channel closed by a channel error");
      return fresh;
    }
    // Another thread replaced it first: use that one.
    fresh.abort();
    return publishers.get(slot);
  }

  /**
   * Also counts a publisher outside the pool (the ask channel) in {@link #outstanding()}, the
   * confirm sweep and {@link #failAll}.
   */
  void track(PublisherSource current) {
    extra.add(current);
  }

  /** Every publisher: the pool's and the tracked ones in use. */
  private List<ConfirmingPublisher> all() {
    List<ConfirmingPublisher> all = new ArrayList<>();
    for (int i = 0; i < publishers.length(); i++) {
      ConfirmingPublisher p = publishers.get(i);
      if (p != null) {
        all.add(p);
      }
    }
    for (PublisherSource s : extra) {
      try {
        ConfirmingPublisher p = s.get();
        if (p != null) {
          all.add(p);
        }
      } catch (IOException e) {
        log.debug("no tracked publisher: {}", e.toString());
      }
    }
    return all;
  }

  /** Publishes begun so far (only grows; see {@link BacklogProbe}). */
  long published() {
    return published.sum();
  }

  /** Publishes not yet confirmed. */
  long outstanding() {
    long n = 0;
    for (ConfirmingPublisher p : all()) {
      n += p.outstanding();
    }
    return n;
  }

  /** How often {@link #sweep()} should run: a quarter of the confirm timeout, within bounds. */
  Duration sweepPeriod() {
    Duration quarter = settings.confirmTimeout().dividedBy(SWEEPS_PER_TIMEOUT);
    if (quarter.compareTo(MIN_SWEEP_PERIOD) < 0) {
      return MIN_SWEEP_PERIOD;
    }
    return quarter.compareTo(MAX_SWEEP_PERIOD) > 0 ? MAX_SWEEP_PERIOD : quarter;
  }

  /** Fails publishes that waited longer than the confirm timeout for their confirm. */
  void sweep() {
    String blocked = broker.blockedReason();
    String note =
        blocked == null
            ? ""
            : " (the broker blocks publishes: "
                + blocked
                + "; it may still take the message once it unblocks)";
    for (ConfirmingPublisher p : all()) {
      p.expireOlderThan(settings.confirmTimeout(), note);
    }
  }

  /**
   * Waits until every publish taken into the confirm window has settled, or the deadline.
   *
   * @return whether all settled
   */
  boolean awaitConfirms(long deadlineNanos) throws InterruptedException {
    int all = settings.confirmWindow();
    long wait = Math.max(0, deadlineNanos - System.nanoTime());
    if (window.tryAcquire(all, wait, TimeUnit.NANOSECONDS)) {
      window.release(all);
      return true;
    }
    return false;
  }

  /** Fails everything outstanding. */
  void failAll(Throwable error) {
    for (ConfirmingPublisher p : all()) {
      p.failAll(error);
    }
  }
}
