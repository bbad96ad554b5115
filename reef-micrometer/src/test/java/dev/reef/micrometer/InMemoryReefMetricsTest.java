package dev.reef.micrometer;

import dev.reef.RetryPolicy;
import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.ReefBackend;

/** {@link ReefMetricsScenario} on the in-memory backend. */
class InMemoryReefMetricsTest extends ReefMetricsScenario {
  private final InMemoryHub hub = InMemoryHub.create();

  @Override
  ReefBackend newBackend(RetryPolicy retryPolicy) {
    return InMemoryBackend.builder().hub(hub).retryPolicy(retryPolicy).build();
  }
}
