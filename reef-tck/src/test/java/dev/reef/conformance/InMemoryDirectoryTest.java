package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.MailboxTerminator;
import dev.reef.memory.InMemoryBackend;
import dev.reef.memory.InMemoryDirectoryStore;
import dev.reef.memory.InMemoryHub;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The directory conformance suite on the in-memory backend: one hub per test. */
class InMemoryDirectoryTest extends DirectoryConformanceSuite {
  private InMemoryHub hub;

  @BeforeEach
  void newHub() {
    hub = InMemoryHub.create();
  }

  @Test
  void sporesOfATerminatedAgentAreDeadLetteredAsTerminated() {
    InMemoryBackend backend = InMemoryBackend.builder().hub(hub).build();
    try (Reef reef = Reef.create(backend);
        AgentDirectory directory = AgentDirectory.create(newStore())) {
      reef.channel("term").declareMailbox("victim");
      reef.channel("term").send("boss", "victim", Map.of("n", 1)).join();
      MailboxTerminator.Result result =
          MailboxTerminator.terminate(directory, backend, "term", "victim", Duration.ofMillis(200));
      assertThat(result).isEqualTo(new MailboxTerminator.Result(0, 1));
      assertThat(hub.deadLetters())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.deadLetterReason()).contains(DeadLetterReason.TERMINATED);
                assertThat(d.attempts()).isEqualTo(1);
              });
    }
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
