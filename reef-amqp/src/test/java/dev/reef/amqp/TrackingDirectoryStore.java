package dev.reef.amqp;

import dev.reef.conformance.ForwardingDirectoryStore;
import dev.reef.spi.DirectoryStore;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Delegates to an AMQP directory store and records the two streams of each channel it touches. */
final class TrackingDirectoryStore extends ForwardingDirectoryStore {
  private final Set<String> queues;

  TrackingDirectoryStore(DirectoryStore delegate, Set<String> queues) {
    super(delegate);
    this.queues = queues;
  }

  private void track(String channel) {
    queues.add(AmqpDirectoryStore.streamFor(channel, Log.RECORDS));
    queues.add(AmqpDirectoryStore.streamFor(channel, Log.LEASES));
  }

  @Override
  public CompletableFuture<Void> append(String channel, Log log, byte[] record) {
    track(channel);
    return super.append(channel, log, record);
  }

  @Override
  public AutoCloseable follow(String channel, Log log, Consumer<byte[]> sink) {
    track(channel);
    return super.follow(channel, log, sink);
  }
}
