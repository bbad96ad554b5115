package dev.reef.micrometer;

import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MicrometerTracingScenario} on the AMQP backend and a real broker: the publish span's
 * context crosses the wire as the {@code traceparent} header. The test's exchange and queue are
 * deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpMicrometerTracingIT extends MicrometerTracingScenario {
  private AmqpBackend names;

  @Override
  ReefBackend newBackend() {
    names = AmqpBackend.builder().uri(RabbitMqBroker.uri()).build();
    return names;
  }

  @AfterEach
  void deleteTopology() {
    close(); // the reef first
    if (names == null) {
      return;
    }
    TestBroker broker = new TestBroker(RabbitMqBroker.uri());
    for (String agent : new String[] {"bob", "alice"}) {
      broker.deleteQueueAfter(names.mailboxQueueFor(channel, agent));
    }
    broker.deleteExchangeAfter(names.exchangeFor(channel));
    broker.cleanup();
  }
}
