package dev.reef.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.RetryPolicy;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetteredException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RedeliveryDecisionTest {
  private static final RetryPolicy THREE =
      RetryPolicy.custom()
          .maxAttempts(3)
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(40))
          .build();

  @Test
  void retriesWithThePolicysBackoffWhileAttemptsRemain() {
    RedeliveryDecision first = RedeliveryDecision.afterFailure(THREE, 1);
    RedeliveryDecision second = RedeliveryDecision.afterFailure(THREE, 2);

    assertThat(first.retry()).isTrue();
    assertThat(first.nextAttempt()).isEqualTo(2);
    assertThat(first.backoff()).isEqualTo(THREE.backoff(1));
    assertThat(second.retry()).isTrue();
    assertThat(second.backoff()).isEqualTo(THREE.backoff(2));
  }

  @Test
  void deadLettersAsHandlerFailedAfterTheLastAttempt() {
    RedeliveryDecision last = RedeliveryDecision.afterFailure(THREE, 3);

    assertThat(last.retry()).isFalse();
    assertThat(last.failedAttempt()).isEqualTo(3);
    assertThat(last.backoff()).isEqualTo(Duration.ZERO);
    IllegalStateException boom = new IllegalStateException("boom");
    DeadLetteredException error = last.deadLetterError(new CompletionException(boom));
    assertThat(error.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
    assertThat(error.attempts()).isEqualTo(3);
    assertThat(error.getCause()).isSameAs(boom);
    assertThat(error.getMessage()).contains("java.lang.IllegalStateException: boom");
  }

  @Test
  void noRetriesDeadLettersTheFirstFailure() {
    assertThat(RedeliveryDecision.afterFailure(RetryPolicy.noRetries(), 1).retry()).isFalse();
  }

  @Test
  void rejectsAnAttemptBelowOne() {
    assertThatThrownBy(() -> RedeliveryDecision.afterFailure(THREE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
