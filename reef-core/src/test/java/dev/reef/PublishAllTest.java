package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.memory.InMemoryBackend;
import dev.reef.spi.ForwardingBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The core side of {@link ReefChannel#publishAll}: the admitted spores reach the backend as one
 * {@code publishAll} call (refused ones never reach it), and a backend failure becomes a typed
 * per-spore failure, never a failed batch.
 */
class PublishAllTest {

  /** Records the batches the reef hands to the backend; can be told to throw. */
  private static final class Batches extends ForwardingBackend {
    final List<List<Spore>> calls = new CopyOnWriteArrayList<>();
    final AtomicBoolean fail = new AtomicBoolean();

    Batches() {
      super(InMemoryBackend.builder().build());
    }

    @Override
    public List<CompletableFuture<Spore>> publishAll(String channel, List<Spore> spores) {
      calls.add(List.copyOf(spores));
      if (fail.get()) {
        throw new IllegalStateException("backend broke");
      }
      return delegate.publishAll(channel, spores);
    }
  }

  private static Spore to(String agent, int n) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent(agent)
        .knowledge(Map.of("n", n))
        .build();
  }

  @Test
  void admittedSporesReachTheBackendAsOneBatchAndRefusedOnesNever() {
    Batches backend = new Batches();
    ReefOptions options = ReefOptions.custom().maxKnowledgeBytes(100).build();
    try (Reef reef = Reef.create(backend, options)) {
      reef.declareMailbox("bob");
      Spore big =
          Spore.builder()
              .type(SporeType.KNOWLEDGE)
              .fromAgent("alice")
              .toAgent("bob")
              .knowledge(Map.of("text", "x".repeat(500)))
              .build();
      List<Spore> batch = new ArrayList<>(List.of(to("bob", 0), big, to("bob", 2)));

      BatchResult result = reef.publishAll(batch).join();

      assertThat(backend.calls).hasSize(1);
      // The reef stamps its trace context into each spore's metadata: the same spores, by id.
      assertThat(backend.calls.get(0))
          .extracting(Spore::id)
          .containsExactly(batch.get(0).id(), batch.get(2).id());
      assertThat(result.failures()).containsOnlyKeys(1);
      assertThat(result.failures().get(1)).isInstanceOf(SporeValidationException.class);
      assertThat(result.published())
          .extracting(Spore::id)
          .containsExactly(batch.get(0).id(), batch.get(2).id());
      assertThat(reef.stats().total(SporeEvent.SENT)).isEqualTo(2);
    }
  }

  @Test
  void aBackendThatThrowsFailsEachOutcomeTypedNotTheBatch() {
    Batches backend = new Batches();
    try (Reef reef = Reef.create(backend, ReefOptions.ofDefaults())) {
      reef.declareMailbox("bob");
      backend.fail.set(true);

      BatchResult result = reef.publishAll(List.of(to("bob", 0), to("bob", 1))).join();

      assertThat(result.failures()).containsOnlyKeys(0, 1);
      assertThat(result.failures().values()).allMatch(e -> e instanceof PublishException);
      assertThat(reef.stats().total(SporeEvent.SEND_FAILED)).isEqualTo(2);
    }
  }
}
