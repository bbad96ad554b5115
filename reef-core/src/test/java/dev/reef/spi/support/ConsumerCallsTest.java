package dev.reef.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeType;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ConsumerCallsTest {
  private static final Spore SPORE =
      Spore.builder()
          .type(SporeType.KNOWLEDGE)
          .fromAgent("alice")
          .toAgent("bob")
          .knowledge(Map.of("n", 1))
          .build();

  @Test
  void returnsTheConsumersStage() {
    CompletableFuture<String> stage = new CompletableFuture<>();

    assertThat(ConsumerCalls.deliver((s, a) -> stage, SPORE, 1)).isSameAs(stage);
  }

  @Test
  void nullStageIsAFailedAttemptThatSaysSo() {
    CompletionStage<?> stage = ConsumerCalls.deliver((s, a) -> null, SPORE, 2);

    assertThatThrownBy(() -> stage.toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("null stage")
        .hasMessageContaining(SPORE.id())
        .hasMessageContaining("attempt 2");
  }

  @Test
  void exceptionFromDeliverIsAFailedAttempt() {
    IllegalStateException boom = new IllegalStateException("boom");

    CompletionStage<?> stage =
        ConsumerCalls.deliver(
            (s, a) -> {
              throw boom;
            },
            SPORE,
            1);

    assertThatThrownBy(() -> stage.toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(boom);
  }

  @Test
  void errorFromDeliverPropagates() {
    assertThatThrownBy(
            () ->
                ConsumerCalls.deliver(
                    (s, a) -> {
                      throw new AssertionError("an error is not a failed attempt");
                    },
                    SPORE,
                    1))
        .isInstanceOf(AssertionError.class);
  }
}
