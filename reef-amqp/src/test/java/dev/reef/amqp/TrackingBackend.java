package dev.reef.amqp;

import dev.reef.Spore;
import dev.reef.spi.BackendListener;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Delegates to an {@link AmqpBackend} and records the exchanges and queues it touches. */
final class TrackingBackend implements ReefBackend {
  private final AmqpBackend delegate;
  private final Set<String> exchanges;
  private final Set<String> queues;

  TrackingBackend(AmqpBackend delegate, Set<String> exchanges, Set<String> queues) {
    this.delegate = delegate;
    this.exchanges = exchanges;
    this.queues = queues;
  }

  @Override
  public void start(BackendListener listener) {
    delegate.start(listener);
  }

  @Override
  public CompletableFuture<Spore> publish(String channel, Spore spore) {
    exchanges.add(delegate.exchangeFor(channel));
    return delegate.publish(channel, spore);
  }

  @Override
  public boolean directReplies(String channel) {
    return delegate.directReplies(channel);
  }

  @Override
  public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
    exchanges.add(delegate.exchangeFor(channel));
    return delegate.publishRequest(channel, request);
  }

  @Override
  public void declareMailbox(String channel, String agent) {
    exchanges.add(delegate.exchangeFor(channel));
    queues.add(delegate.mailboxQueueFor(channel, agent));
    delegate.declareMailbox(channel, agent);
  }

  @Override
  public MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer) {
    exchanges.add(delegate.exchangeFor(channel));
    queues.add(delegate.mailboxQueueFor(channel, agent));
    return delegate.consume(channel, agent, consumer);
  }

  @Override
  public Set<String> knownAgents(String channel) {
    return delegate.knownAgents(channel);
  }

  @Override
  public long backlog() {
    return delegate.backlog();
  }

  @Override
  public void close(Duration drainTimeout) {
    delegate.close(drainTimeout);
  }
}
