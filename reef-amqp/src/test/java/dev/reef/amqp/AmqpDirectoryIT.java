package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.DirectoryConformanceSuite;
import dev.reef.conformance.ForwardingDirectoryStore;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ReefBackend;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The directory conformance suite, unchanged, against {@link AmqpDirectoryStore} on a real broker:
 * each store is its own connection (a process). The streams, exchanges and queues a test touched
 * are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpDirectoryIT extends DirectoryConformanceSuite {
  private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> queues = ConcurrentHashMap.newKeySet();

  /** Runs after the suite's own {@code @AfterEach}, which closes the directories. */
  @RegisterExtension
  final AfterEachCallback cleanup =
      context -> {
        TestBroker broker = new TestBroker(RabbitMqBroker.uri());
        queues.forEach(broker::deleteQueueAfter);
        exchanges.forEach(broker::deleteExchangeAfter);
        broker.cleanup();
      };

  @Override
  protected DirectoryStore newStore() {
    DirectoryStore store = AmqpDirectoryStore.builder().uri(RabbitMqBroker.uri()).build();
    return new ForwardingDirectoryStore(store) {
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
    };
  }

  @Override
  protected ReefBackend newBackend() {
    return new TrackingBackend(
        AmqpBackend.builder().uri(RabbitMqBroker.uri()).build(), exchanges, queues);
  }
}
