package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.conformance.TraceConformanceSuite;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trace context rules against {@link AmqpBackend} on a real broker: the context crosses the
 * wire as the {@code traceparent}/{@code tracestate} headers. What a test touched is deleted after
 * it.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpTraceConformanceIT extends TraceConformanceSuite {
  @RegisterExtension
  static final TrackedBackends backends = TrackedBackends.sharedDeadLetters("trace");

  @Override
  protected ReefBackend newBackend() {
    return backends.track(backends.builder().build());
  }
}
