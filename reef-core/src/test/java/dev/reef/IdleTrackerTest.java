package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleTrackerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final IdleTracker idle = new IdleTracker();

  @Test
  void idleAtOnceWhenNothingRunsAndNothingWaits() {
    assertThat(idle.await(Duration.ofMillis(1), () -> 0)).isTrue();
  }

  @Test
  void aRunningHandlerKeepsItBusyUntilTheTimeout() {
    idle.begin();
    long start = System.nanoTime();

    assertThat(idle.await(Duration.ofMillis(30), () -> 0)).isFalse();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
  }

  @Test
  void theWaiterWakesWhenTheLastHandlerEnds() {
    idle.begin();
    idle.begin();
    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(() -> idle.await(Duration.ofMinutes(1), () -> 0));

    idle.end();
    await().during(Duration.ofMillis(30)).atMost(WAIT).until(() -> !waiting.isDone());
    idle.end();

    assertThat(waiting.orTimeout(10, TimeUnit.SECONDS).join()).isTrue();
  }

  @Test
  void aBacklogThatDrainsWithoutASignalIsSeenAtTheNextRecheck() {
    AtomicLong backlog = new AtomicLong(3);
    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(() -> idle.await(Duration.ofMinutes(1), backlog::get));
    await().during(Duration.ofMillis(30)).atMost(WAIT).until(() -> !waiting.isDone());

    backlog.set(0);

    assertThat(waiting.orTimeout(10, TimeUnit.SECONDS).join()).isTrue();
  }

  @Test
  void anInterruptedWaiterReturnsFalseWithItsInterruptStatusSet() {
    idle.begin();
    Thread.currentThread().interrupt();
    try {
      assertThat(idle.await(Duration.ofMinutes(1), () -> 0)).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
