package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.conformance.DirectoryConformanceSuite;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The directory conformance suite, unchanged, against {@link AmqpDirectoryStore} on a real broker:
 * each store is its own connection (a process). The streams, exchanges and queues a test touched
 * are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpDirectoryIT extends DirectoryConformanceSuite {
  @RegisterExtension
  static final TrackedBackends backends = TrackedBackends.perChannelDeadLetters();

  @Override
  protected DirectoryStore newStore() {
    return backends.track(AmqpDirectoryStore.builder().uri(RabbitMqBroker.uri()).build());
  }

  @Override
  protected ReefBackend newBackend() {
    return backends.track(backends.builder().build());
  }
}
