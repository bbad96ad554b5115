package dev.reef.conformance;

import dev.reef.RetryPolicy;
import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.BeforeEach;

/** The observation conformance suite against the in-memory backend: one hub per test. */
class InMemoryObservationTest extends ObservationConformanceSuite {
  private InMemoryHub hub;

  @BeforeEach
  void newHub() {
    hub = InMemoryHub.create();
  }

  @Override
  protected ReefBackend newBackend(RetryPolicy retryPolicy) {
    return InMemoryBackend.builder().hub(hub).retryPolicy(retryPolicy).build();
  }
}
