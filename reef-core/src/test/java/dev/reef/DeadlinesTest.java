package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final Deadlines deadlines = new Deadlines();

  @AfterEach
  void shutdown() {
    deadlines.shutdown();
  }

  private static PendingReply.Ask ask(String id, Duration timeout) {
    return new PendingReply.Ask("main", "alice", id, timeout);
  }

  @Test
  void anArmedDeadlineExpiresItsAskNeverBeforeTheTimeout() {
    Duration timeout = Duration.ofMillis(50);
    PendingReply.Ask p = ask("r1", timeout);
    long start = System.nanoTime();

    deadlines.arm(p, timeout.toNanos());

    await().atMost(Duration.ofSeconds(5)).until(p.future::isDone);
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
    assertThatThrownBy(p.future::join).hasCauseInstanceOf(RequestTimeoutException.class);
    assertThat(deadlines.armed()).isZero();
  }

  @Test
  void aDisarmedDeadlineNeverFires() {
    PendingReply.Ask kept = ask("r1", Duration.ofMillis(30));
    PendingReply.Ask ended = ask("r2", Duration.ofMillis(30));
    deadlines.arm(ended, TimeUnit.MILLISECONDS.toNanos(30));
    deadlines.arm(kept, TimeUnit.MILLISECONDS.toNanos(30));

    deadlines.disarm(ended);

    await().atMost(Duration.ofSeconds(5)).until(kept.future::isDone);
    assertThat(ended.future).isNotDone();
  }

  @Test
  void deadlinesInTheSameTickShareItAndEachExpires() {
    PendingReply.Ask[] asks = new PendingReply.Ask[100];
    for (int i = 0; i < asks.length; i++) {
      asks[i] = ask("r" + i, Duration.ofSeconds(1));
      deadlines.arm(asks[i], TimeUnit.MILLISECONDS.toNanos(200));
    }
    assertThat(deadlines.armed()).isEqualTo(100);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> java.util.Arrays.stream(asks).allMatch(a -> a.future.isDone()));
    assertThat(deadlines.armed()).isZero();
  }

  @Test
  void aVeryLongTimeoutIsArmedWithoutOverflow() {
    PendingReply.Ask p = ask("r1", Duration.ofDays(365 * 200));

    deadlines.arm(p, Long.MAX_VALUE);

    assertThat(deadlines.armed()).isEqualTo(1);
    assertThat(p.future).isNotDone();
  }

  @Test
  void armingAfterShutdownIsRejected() {
    deadlines.shutdown();

    assertThatThrownBy(() -> deadlines.arm(ask("r1", Duration.ofSeconds(1)), 1_000_000_000L))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(deadlines.armed()).isZero();
  }

  @Test
  void theTimerThreadRunsFromTheStartNotFromTheFirstDeadline() {
    // The first ask of a reef must not pay for starting the timer (issue 12 item 8).
    assertThat(new Deadlines())
        .satisfies(
            d -> {
              try {
                assertThat(d.threads()).isEqualTo(1);
              } finally {
                d.shutdown();
              }
            });
  }

  @Test
  void aTimeoutCompletesBeforeWhatTheAskReleases() throws Exception {
    // Releasing the asker's mailbox is a backend call: it must not delay the timeout.
    PendingReplies replies = new PendingReplies(new StatsRecorder());
    PendingReply.Ask p = ask("r9", Duration.ofMillis(20));
    java.util.concurrent.CountDownLatch releasing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
    try {
      replies.register(
          p,
          Duration.ofMillis(20),
          () -> {
            releasing.countDown();
            try {
              blocked.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });

      await().atMost(Duration.ofSeconds(5)).until(p.future::isDone);
      assertThatThrownBy(p.future::join).hasCauseInstanceOf(RequestTimeoutException.class);
      assertThat(releasing.await(5, TimeUnit.SECONDS)).as("released after the timeout").isTrue();
      assertThat(replies.size()).isZero();
    } finally {
      blocked.countDown();
      replies.shutdown();
    }
  }
}
