package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void defaultsAreFiveAttemptsDoublingFrom100MillisUpTo10Seconds() {
    RetryPolicy p = RetryPolicy.ofDefaults();

    assertThat(p.maxAttempts()).isEqualTo(5);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.backoff(30)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.shouldRetry(4)).isTrue();
    assertThat(p.shouldRetry(5)).isFalse();
  }

  @Test
  void noRetriesDeadLettersAfterTheFirstFailure() {
    assertThat(RetryPolicy.noRetries().maxAttempts()).isEqualTo(1);
    assertThat(RetryPolicy.noRetries().shouldRetry(1)).isFalse();
  }

  @Test
  void customValuesAreValidated() {
    assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(1001).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.custom().initialBackoff(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.custom().multiplier(0.5).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RetryPolicy.custom()
                    .initialBackoff(Duration.ofSeconds(2))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
    RetryPolicy zero =
        RetryPolicy.custom().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build();
    assertThat(zero.backoff(3)).isEqualTo(Duration.ZERO);
  }
}
