package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentDispatcherTest {
  private final StatsRecorder stats = new StatsRecorder();
  private final PendingReplies replies = new PendingReplies(stats);
  private final IdleTracker idle = new IdleTracker();
  private final AgentDispatcher dispatcher =
      new AgentDispatcher(
          "main",
          "bob",
          0,
          replies,
          stats,
          idle,
          dev.reef.security.SenderVerification.NONE,
          null,
          null);
  private final Spore spore = Spore.of(SporeType.KNOWLEDGE, "alice", "bob", null, 1024);

  @AfterEach
  void shutdown() {
    replies.shutdown();
  }

  private static AgentDispatcher.Handler sync(SporeHandler h) {
    return new AgentDispatcher.Handler(h, null);
  }

  @Test
  void aHandlerExceptionFailsTheAttemptSoTheBackendRetries() {
    dispatcher.add(
        sync(
            s -> {
              throw new IllegalStateException("boom");
            }),
        SubscribeMode.ADD);

    CompletionStage<?> stage = dispatcher.deliver(spore, 1);

    assertThat(stage.toCompletableFuture())
        .isCompletedExceptionally()
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(IllegalStateException.class);
    assertThat(idle.await(Duration.ofMillis(1), () -> 0)).isTrue();
  }

  @Test
  void anErrorIsNotTurnedIntoARetryItPropagatesAndTheHandlerCountEnds() {
    dispatcher.add(
        sync(
            s -> {
              throw new StackOverflowError("deep");
            }),
        SubscribeMode.ADD);

    assertThatThrownBy(() -> dispatcher.deliver(spore, 1)).isInstanceOf(StackOverflowError.class);
    assertThat(idle.await(Duration.ofMillis(1), () -> 0))
        .as("no handler counted as running")
        .isTrue();
  }

  @Test
  void anAsyncHandlerCountsAsRunningUntilItsStageSettles() {
    CompletableFuture<Void> work = new CompletableFuture<>();
    dispatcher.add(new AgentDispatcher.Handler(null, s -> work), SubscribeMode.ADD);

    CompletionStage<?> stage = dispatcher.deliver(spore, 1);
    assertThat(idle.await(Duration.ofMillis(1), () -> 0)).isFalse();
    work.complete(null);

    assertThat(stage.toCompletableFuture()).isCompleted();
    assertThat(idle.await(Duration.ofMillis(1), () -> 0)).isTrue();
  }
}
