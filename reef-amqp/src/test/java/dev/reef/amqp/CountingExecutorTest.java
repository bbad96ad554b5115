package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CountingExecutorTest {
  @Test
  void countsTasksUntilTheyFinish() throws Exception {
    CountingExecutor executor = new CountingExecutor(1, Executors.defaultThreadFactory());
    CountDownLatch release = new CountDownLatch(1);
    executor.execute(
        () -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    executor.execute(() -> {});
    assertThat(executor.pending()).isEqualTo(2);

    release.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> executor.pending() == 0);
    executor.shutdown();
  }

  @Test
  void aTaskSubmittedAfterShutdownIsNotAnErrorAndNotCounted() {
    CountingExecutor executor = new CountingExecutor(1, Executors.defaultThreadFactory());
    executor.shutdown();

    executor.execute(() -> {});

    assertThat(executor.pending()).isZero();
  }
}
