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

  private PublisherPool(
      AmqpSettings settings,
      AmqpConnection connection,
      Runnable onChannelError,
      Executor completions) {
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
   */
  static PublisherPool open(
      AmqpSettings settings,
      AmqpConnection connection,
      Runnable onChannelError,
      Executor completions)
      throws IOException {
    PublisherPool pool = new PublisherPool(settings, connection, onChannelError, completions);
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
   * has room (waiting at most the publish timeout).
   */
  CompletableFuture<Boolean> publish(
      PublisherSource source,
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body) {
    if (!connection.isOpen()) {
      return CompletableFuture.failedFuture(new ReefClosedException("the AMQP backend is closed"));
    }
    Duration timeout = settings.publishTimeout();
    try {
      if (!window.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return CompletableFuture.failedFuture(
            new PublishException(
                "the confirm window ("
                    + settings.confirmWindow()
                    + " unconfirmed publishes) stayed full for "
                    + timeout.toMillis()
                    + " ms"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(
          new PublishException("interrupted while waiting for the confirm window", e));
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
    for (ConfirmingPublisher p : all()) {
      p.expireOlderThan(settings.confirmTimeout());
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
