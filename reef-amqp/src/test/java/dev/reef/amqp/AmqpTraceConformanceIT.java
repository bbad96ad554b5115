package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.TraceConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trace context rules against {@link AmqpBackend} on a real broker: the context crosses the
 * wire as the {@code traceparent}/{@code tracestate} headers. What a test touched is deleted after
 * it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpTraceConformanceIT extends TraceConformanceSuite {
  private static final String DLX = TestBroker.unique("reef.dlx.trace");
  private static final String DLQ = TestBroker.unique("reef.dead.trace");

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
}
