package dev.reef.amqp;

import dev.reef.RetryPolicy;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.ObservationConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observation conformance suite, unchanged, against {@link AmqpBackend} on a real broker: the
 * sender's and the receiver's reefs are two backends (two sets of connections), so headers cross
 * the wire. The exchanges and queues a test touched are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpObservationIT extends ObservationConformanceSuite {
  private static final String DLX = TestBroker.unique("reef.dlx.observation");
  private static final String DLQ = TestBroker.unique("reef.dead.observation");

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

  @Override
  protected ReefBackend newBackend(RetryPolicy retryPolicy) {
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(RabbitMqBroker.uri())
            .retryPolicy(retryPolicy)
            .deadLetterExchange(DLX)
            .deadLetterQueue(DLQ)
            .expiryGrace(Duration.ofSeconds(5))
            .build();
    return new TrackingBackend(backend, exchanges, queues);
  }
}
