package dev.reef.conformance;

import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryDirectoryStore;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ReefBackend;
import org.junit.jupiter.api.BeforeEach;

/** The directory conformance suite on the in-memory backend: one hub per test. */
class InMemoryDirectoryTest extends DirectoryConformanceSuite {
  private InMemoryHub hub;

  @BeforeEach
  void newHub() {
    hub = InMemoryHub.create();
  }

  @Override
  protected DirectoryStore newStore() {
    return InMemoryDirectoryStore.forHub(hub);
  }

  @Override
  protected ReefBackend newBackend() {
    return InMemoryBackend.builder().hub(hub).build();
  }
}
