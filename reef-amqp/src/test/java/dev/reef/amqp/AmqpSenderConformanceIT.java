package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.SenderConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sender conformance suite against {@link AmqpBackend} on the test broker: every backend
 * publishes as the test URI's user, which the broker verifies in {@code user_id}. The exchanges and
 * queues a test touched are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpSenderConformanceIT extends SenderConformanceSuite {
  private static final String DLX = TestBroker.unique("reef.dlx.sender");
  private static final String DLQ = TestBroker.unique("reef.dead.sender");

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
  protected ReefBackend newBackend() {
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(RabbitMqBroker.uri())
            .deadLetterExchange(DLX)
            .deadLetterQueue(DLQ)
            .build();
    return new TrackingBackend(backend, exchanges, queues);
  }

  @Override
  protected String brokerUser() {
    String userInfo = URI.create(RabbitMqBroker.uri()).getUserInfo();
    if (userInfo == null || userInfo.isEmpty()) {
      return "guest";
    }
    int colon = userInfo.indexOf(':');
    return colon < 0 ? userInfo : userInfo.substring(0, colon);
  }
}
