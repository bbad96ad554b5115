package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.ForwardingDirectoryStore;
import dev.reef.conformance.TaskConformanceSuite;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.TaskLogStore;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The task conformance suite, unchanged, on RabbitMQ: every reef is its own {@link AmqpBackend}
 * (its own connections, as a separate process would have), the task logs are streams ({@link
 * AmqpTaskLogStore}), the directory is {@link AmqpDirectoryStore}. The exchanges, queues and
 * streams a test touched are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpTaskIT extends TaskConformanceSuite {
  private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> queues = ConcurrentHashMap.newKeySet();

  /** Runs after the suite's own {@code @AfterEach}, which closes the reefs. */
  @RegisterExtension
  final AfterEachCallback cleanup =
      context -> {
        TestBroker broker = new TestBroker(RabbitMqBroker.uri());
        queues.forEach(broker::deleteQueueAfter);
        exchanges.forEach(broker::deleteExchangeAfter);
        queues.clear();
        exchanges.clear();
        broker.cleanup();
      };

  @Override
  protected ReefBackend newBackend() {
    ReefBackend tracking =
        new TrackingBackend(
            AmqpBackend.builder().uri(RabbitMqBroker.uri()).build(), exchanges, queues);
    return new StreamTracking(tracking);
  }

  /** Also records the task log and directory streams of the channels the reef uses. */
  private final class StreamTracking extends ForwardingBackend {
    private volatile TaskLogStore tasks;
    private volatile DirectoryStore directory;

    StreamTracking(ReefBackend delegate) {
      super(delegate);
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
        directory =
            new ForwardingDirectoryStore(delegate.directoryStore()) {
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
      return directory;
    }
  }
}
