package dev.reef.micrometer;

import dev.reef.RetryPolicy;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ReefMetricsScenario} on the AMQP backend and a real broker. The test's exchanges, queues
 * and dead letters are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpReefMetricsIT extends ReefMetricsScenario {
  private final String dlx = TestBroker.unique("reef.dlx.metrics");
  private final String dlq = TestBroker.unique("reef.dead.metrics");

  private AmqpBackend names;

  @Override
  ReefBackend newBackend(RetryPolicy retryPolicy) {
    names =
        AmqpBackend.builder()
            .uri(RabbitMqBroker.uri())
            .retryPolicy(retryPolicy)
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .expiryGrace(Duration.ofSeconds(5))
            .build();
    return names;
  }

  @AfterEach
  void deleteTopology() {
    close(); // the reefs first
    if (names == null) {
      return;
    }
    TestBroker broker = new TestBroker(RabbitMqBroker.uri());
    for (String agent :
        new String[] {"bob", "carol", "dave", "erin", "silent", "alice", "a1", "a2", "a3"}) {
      broker.deleteQueueAfter(names.mailboxQueueFor(channel, agent));
    }
    broker.deleteExchangeAfter(names.exchangeFor(channel));
    broker.deleteQueueAfter(dlq);
    broker.deleteExchangeAfter(dlx);
    broker.cleanup();
  }
}
