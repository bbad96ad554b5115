package dev.reef.micrometer;

import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.ReefBackend;

/** {@link MicrometerTracingScenario} on the in-memory backend. */
class InMemoryMicrometerTracingTest extends MicrometerTracingScenario {
  private final InMemoryHub hub = InMemoryHub.create();

  @Override
  ReefBackend newBackend() {
    return InMemoryBackend.builder().hub(hub).build();
  }
}
