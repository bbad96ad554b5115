package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.conformance.TaskConformanceSuite;
import dev.reef.spi.ReefBackend;
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
  @RegisterExtension
  static final TrackedBackends backends = TrackedBackends.perChannelDeadLetters();

  @Override
  protected ReefBackend newBackend() {
    return backends.track(backends.builder().build());
  }
}
