package dev.reef.spi;

import dev.reef.ReceiveTimeoutException;
import dev.reef.ReefClosedException;
import dev.reef.Spore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link MailboxReceiver} built on {@link ReefBackend#consume}: the backend pushes deliveries (up
 * to its prefetch) into a local queue, {@link #receive(Duration)} takes from it, and each
 * delivery's stage completes when the caller acks or nacks. So the backend's own acknowledgement,
 * retry and dead-letter rules apply unchanged. Both built-in backends use it for {@link
 * ReefBackend#receiver(String, String)}.
 *
 * <p>Limitation: spores read ahead and not yet taken when the receiver is closed are handed back as
 * failed attempts (the SPI has no "requeue without counting"), so they count one attempt each.
 */
public final class ConsumingReceiver implements MailboxReceiver, MailboxConsumer {
  private final String channel;
  private final String agent;
  private final LinkedBlockingQueue<Delivery> ready = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final MailboxSubscription subscription;

  private static final class Delivery implements Received {
    final Spore spore;
    final int attempt;
    final CompletableFuture<Void> settled = new CompletableFuture<>();

    Delivery(Spore spore, int attempt) {
      this.spore = spore;
      this.attempt = attempt;
    }

    @Override
    public Spore spore() {
      return spore;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public void ack() {
      settled.complete(null);
    }

    @Override
    public void nack(Throwable error) {
      settled.completeExceptionally(error);
    }
  }

  private ConsumingReceiver(ReefBackend backend, String channel, String agent) {
    this.channel = channel;
    this.agent = agent;
    this.subscription = backend.consume(channel, agent, this);
  }

  /**
   * A receiver on a backend's mailbox.
   *
   * @param backend a started backend
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return the receiver, consuming the mailbox
   * @throws IllegalStateException if the backend already consumes that mailbox
   */
  public static ConsumingReceiver open(ReefBackend backend, String channel, String agent) {
    return new ConsumingReceiver(backend, channel, agent);
  }

  @Override
  public CompletionStage<?> deliver(Spore spore, int attempt) {
    Delivery d = new Delivery(spore, attempt);
    if (closed.get()) {
      d.nack(new ReefClosedException("the receiver of '" + agent + "' is closed"));
    } else {
      ready.add(d);
    }
    return d.settled;
  }

  @Override
  public Received receive(Duration timeout) {
    if (closed.get()) {
      throw new ReefClosedException("the receiver of '" + agent + "' is closed");
    }
    Delivery d;
    try {
      d = ready.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefClosedException("interrupted while receiving for '" + agent + "'");
    }
    if (d == null) {
      throw new ReceiveTimeoutException(channel, agent, timeout);
    }
    return d;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    subscription.close();
    ReefClosedException gone = new ReefClosedException("the receiver of '" + agent + "' closed");
    for (Delivery d; (d = ready.poll()) != null; ) {
      d.nack(gone);
    }
  }
}
