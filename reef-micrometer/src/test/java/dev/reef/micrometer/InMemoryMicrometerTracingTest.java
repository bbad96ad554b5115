package dev.reef.micrometer;

import dev.reef.memory.InMemoryBackend;
import dev.reef.spi.ReefBackend;

/** {@link MicrometerTracingScenario} on the in-memory backend. */
class InMemoryMicrometerTracingTest extends MicrometerTracingScenario {
  @Override
  ReefBackend newBackend() {
    return InMemoryBackend.builder().build();
  }
}
