package dev.reef.amqp;

import dev.reef.RetryPolicy;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.conformance.ObservationConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observation conformance suite, unchanged, against {@link AmqpBackend} on a real broker: the
 * sender's and the receiver's reefs are two backends (two sets of connections), so headers cross
 * the wire. The exchanges and queues a test touched are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpObservationIT extends ObservationConformanceSuite {
  @RegisterExtension
  static final TrackedBackends backends = TrackedBackends.sharedDeadLetters("observation");

  @Override
  protected ReefBackend newBackend(RetryPolicy retryPolicy) {
    return backends.track(
        backends.builder().retryPolicy(retryPolicy).expiryGrace(Duration.ofSeconds(5)).build());
  }
}
