package dev.reef.conformance;

import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.BeforeEach;

/** The sender conformance suite against the in-memory backend: one hub per test. */
class InMemorySenderTest extends SenderConformanceSuite {
  private InMemoryHub hub;

  @BeforeEach
  void newHub() {
    hub = InMemoryHub.create();
  }

  @Override
  protected ReefBackend newBackend() {
    return InMemoryBackend.builder().hub(hub).user(brokerUser()).build();
  }

  @Override
  protected String brokerUser() {
    return "svc-memory";
  }
}
