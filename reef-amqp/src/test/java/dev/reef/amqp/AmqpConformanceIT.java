package dev.reef.amqp;

import dev.reef.RetryPolicy;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.ReefConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reef-core conformance suite, unchanged, against {@link AmqpBackend} on a real broker. Every
 * backend of a test shares the broker, so a second backend is a second process as far as routing
 * goes. The exchanges and queues a test touched are deleted after it (after its reefs closed).
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpConformanceIT extends ReefConformanceSuite {
  private static final String DLX = TestBroker.unique("reef.dlx.conformance");
  private static final String DLQ = TestBroker.unique("reef.dead.conformance");

  private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
  private final Set<String> queues = ConcurrentHashMap.newKeySet();

  /** Runs after the suite's own {@code @AfterEach}, which closes the reefs. */
  @RegisterExtension
  final AfterEachCallback cleanup =
      context -> {
        TestBroker broker = new TestBroker(RabbitMqBroker.uri());
        queues.forEach(broker::deleteQueueAfter);
        exchanges.forEach(broker::deleteExchangeAfter);
        broker.cleanup();
      };

  @AfterAll
  static void deleteDeadLetters() {
    TestBroker broker = new TestBroker(RabbitMqBroker.uri());
    broker.deleteQueueAfter(DLQ);
    broker.deleteExchangeAfter(DLX);
    broker.cleanup();
  }

  /**
   * Options a subclass adds to every backend of the suite (none here).
   *
   * @param builder the suite's builder
   * @return the builder
   */
  protected AmqpBackend.Builder configure(AmqpBackend.Builder builder) {
    return builder;
  }

  @Override
  protected ReefBackend newBackend(RetryPolicy retryPolicy) {
    AmqpBackend backend =
        configure(AmqpBackend.builder())
            .uri(RabbitMqBroker.uri())
            .retryPolicy(retryPolicy)
            .deadLetterExchange(DLX)
            .deadLetterQueue(DLQ)
            // The suite counts spores that expire while waiting: let the consumer see them.
            .expiryGrace(Duration.ofSeconds(5))
            .build();
    return new TrackingBackend(backend, exchanges, queues);
  }
}
