package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.conformance.SenderConformanceSuite;
import dev.reef.spi.ReefBackend;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sender conformance suite against {@link AmqpBackend} on the test broker: every backend
 * publishes as the test URI's user, which the broker verifies in {@code user_id}. The exchanges and
 * queues a test touched are deleted after it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpSenderConformanceIT extends SenderConformanceSuite {
  @RegisterExtension
  static final TrackedBackends backends = TrackedBackends.sharedDeadLetters("sender");

  @Override
  protected ReefBackend newBackend() {
    return backends.track(backends.builder().build());
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
