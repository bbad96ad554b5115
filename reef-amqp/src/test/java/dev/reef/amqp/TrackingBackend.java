package dev.reef.amqp;

import dev.reef.Spore;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.TaskLogStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Delegates to an {@link AmqpBackend} and records the exchanges, queues and streams it touches:
 * channel exchanges, mailboxes, per-channel dead letters, and the task log and directory streams of
 * the channels its stores are used on.
 */
final class TrackingBackend extends ForwardingBackend {
  private final AmqpBackend amqp;
  private final Set<String> exchanges;
  private final Set<String> queues;
  private TaskLogStore tasks; // guarded by this
  private DirectoryStore directory; // guarded by this

  TrackingBackend(AmqpBackend delegate, Set<String> exchanges, Set<String> queues) {
    super(delegate);
    this.amqp = delegate;
    this.exchanges = exchanges;
    this.queues = queues;
  }

  /** A channel's exchange, and its own dead-letter exchange and queue unless they are shared. */
  private void touch(String channel) {
    exchanges.add(amqp.exchangeFor(channel));
    if (amqp.deadLetterQueue() == null) {
      exchanges.add(amqp.deadLetterExchangeFor(channel));
      queues.add(amqp.deadLetterQueueFor(channel));
    }
  }

  @Override
  public CompletableFuture<Spore> publish(String channel, Spore spore) {
    touch(channel);
    return delegate.publish(channel, spore);
  }

  @Override
  public List<CompletableFuture<Spore>> publishAll(String channel, List<Spore> spores) {
    touch(channel);
    return delegate.publishAll(channel, spores);
  }

  @Override
  public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
    touch(channel);
    return delegate.publishRequest(channel, request);
  }

  @Override
  public void declareMailbox(String channel, String agent) {
    touch(channel);
    queues.add(amqp.mailboxQueueFor(channel, agent));
    delegate.declareMailbox(channel, agent);
  }

  @Override
  public MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer) {
    touch(channel);
    queues.add(amqp.mailboxQueueFor(channel, agent));
    return delegate.consume(channel, agent, consumer);
  }

  @Override
  public synchronized TaskLogStore taskLogStore() {
    if (tasks == null) {
      TaskLogStore store = delegate.taskLogStore();
      tasks =
          new TaskLogStore() {
            @Override
            public CompletableFuture<Void> append(String channel, byte[] record) {
              queues.add(AmqpTaskLogStore.streamFor(channel));
              return store.append(channel, record);
            }

            @Override
            public AutoCloseable follow(String channel, Consumer<byte[]> sink) {
              queues.add(AmqpTaskLogStore.streamFor(channel));
              return store.follow(channel, sink);
            }

            @Override
            public void close() {
              store.close();
            }
          };
    }
    return tasks;
  }

  @Override
  public synchronized DirectoryStore directoryStore() {
    if (directory == null) {
      directory = new TrackingDirectoryStore(delegate.directoryStore(), queues);
    }
    return directory;
  }
}
