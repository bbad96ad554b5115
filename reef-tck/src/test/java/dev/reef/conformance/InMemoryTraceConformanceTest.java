package dev.reef.conformance;

import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.BeforeEach;

/** The trace context rules against the in-memory backend: one hub per test. */
class InMemoryTraceConformanceTest extends TraceConformanceSuite {
  private InMemoryHub hub;

  @BeforeEach
  void newHub() {
    hub = InMemoryHub.create();
  }

  @Override
  protected ReefBackend newBackend() {
    return InMemoryBackend.builder().hub(hub).build();
  }
}
