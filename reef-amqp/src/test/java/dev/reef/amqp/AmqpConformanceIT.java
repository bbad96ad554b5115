package dev.reef.amqp;

import dev.reef.RetryPolicy;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.conformance.ReefConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reef-core conformance suite, unchanged, against {@link AmqpBackend} on a real broker. Every
 * backend of a test shares the broker, so a second backend is a second process as far as routing
 * goes. The exchanges and queues a test touched are deleted after it (after its reefs closed).
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpConformanceIT extends ReefConformanceSuite {
  @RegisterExtension
  static final TrackedBackends backends = TrackedBackends.sharedDeadLetters("conformance");

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
    return backends.track(
        configure(backends.builder())
            .retryPolicy(retryPolicy)
            // The suite counts spores that expire while waiting: let the consumer see them.
            .expiryGrace(Duration.ofSeconds(5))
            .build());
  }
}
