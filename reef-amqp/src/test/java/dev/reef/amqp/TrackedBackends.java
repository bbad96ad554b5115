package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ReefBackend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The AMQP backends of a conformance IT, and their clean-up: register it as a static
 * {@code @RegisterExtension} field (beside {@code @ExtendWith(RabbitMqBroker.class)}); make the
 * suite's backends with {@link #track}. After each test (after the suite's own {@code @AfterEach},
 * which closes the reefs) it deletes what the test's backends touched: channel exchanges,
 * mailboxes, per-channel dead-letter exchanges and queues, task logs and directory streams; after
 * the class, the class's shared dead-letter exchange and queue, if it has them.
 */
final class TrackedBackends implements AfterEachCallback, AfterAllCallback {
  private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> queues = ConcurrentHashMap.newKeySet();
  private final String deadLetterExchange;
  private final String deadLetterQueue;

  private TrackedBackends(String deadLetterExchange, String deadLetterQueue) {
    this.deadLetterExchange = deadLetterExchange;
    this.deadLetterQueue = deadLetterQueue;
  }

  /**
   * Backends with per-channel dead-letter exchanges and queues (the backend's default).
   *
   * @return the extension
   */
  static TrackedBackends perChannelDeadLetters() {
    return new TrackedBackends(null, null);
  }

  /**
   * Backends that share one dead-letter exchange and queue for the class, unique to it.
   *
   * @param name a short name for the suite (in the queue's name)
   * @return the extension
   */
  static TrackedBackends sharedDeadLetters(String name) {
    return new TrackedBackends(
        TestBroker.unique("reef.dlx." + name), TestBroker.unique("reef.dead." + name));
  }

  /**
   * A builder on the test broker, with the class's shared dead letters if it has them.
   *
   * @return the builder
   */
  AmqpBackend.Builder builder() {
    AmqpBackend.Builder b = AmqpBackend.builder().uri(RabbitMqBroker.uri());
    if (deadLetterQueue != null) {
      b.deadLetterExchange(deadLetterExchange).deadLetterQueue(deadLetterQueue);
    }
    return b;
  }

  /**
   * The backend, recording what it touches for the clean-up.
   *
   * @param backend a backend built by {@link #builder()}
   * @return the tracking backend
   */
  ReefBackend track(AmqpBackend backend) {
    return new TrackingBackend(backend, exchanges, queues);
  }

  /**
   * A directory store, recording the streams it touches for the clean-up.
   *
   * @param store the store
   * @return the tracking store
   */
  DirectoryStore track(DirectoryStore store) {
    return new TrackingDirectoryStore(store, queues);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestBroker broker = new TestBroker(RabbitMqBroker.uri());
    queues.forEach(broker::deleteQueueAfter);
    exchanges.forEach(broker::deleteExchangeAfter);
    queues.clear();
    exchanges.clear();
    broker.cleanup();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (deadLetterQueue == null) {
      return;
    }
    TestBroker broker = new TestBroker(RabbitMqBroker.uri());
    broker.deleteQueueAfter(deadLetterQueue);
    broker.deleteExchangeAfter(deadLetterExchange);
    broker.cleanup();
  }
}
