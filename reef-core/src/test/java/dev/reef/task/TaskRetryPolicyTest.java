package dev.reef.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskRetryPolicyTest {

  @Test
  void theDefaultsAreTheSeedsThreeRetriesFactorOneAndAHalfCappedAtThirtySeconds() {
    TaskRetryPolicy p = TaskRetryPolicy.ofDefaults();
    assertThat(p.maxAttempts()).isEqualTo(4);
    for (String reason : new String[] {"error", "timeout", "terminated", "no_agent"}) {
      assertThat(p.retries(reason)).as(reason).isTrue();
    }
    assertThat(p.retries("duplicate")).isFalse();
    assertThat(TaskRetryPolicy.none().maxAttempts()).isEqualTo(1);
  }

  @Test
  void theBackoffGrowsExponentiallyUpToTheCap() {
    TaskRetryPolicy p =
        TaskRetryPolicy.custom()
            .initialBackoff(Duration.ofSeconds(1))
            .multiplier(2)
            .maxBackoff(Duration.ofSeconds(5))
            .jitter(0)
            .build();
    assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.backoff(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.backoff(40)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void jitterSpreadsTheBackoffWithinItsFraction() {
    TaskRetryPolicy p =
        TaskRetryPolicy.custom().initialBackoff(Duration.ofMillis(1000)).jitter(0.2).build();
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 500; i++) {
      long ms = p.backoff(1).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertThat(min).isBetween(800L, 1000L);
    assertThat(max).isBetween(1000L, 1200L);
    assertThat(max - min).as("the delays spread").isGreaterThan(100);
  }

  @Test
  void fromCopiesEverySettingAndTheBuilderRejectsBadValues() {
    TaskRetryPolicy p =
        TaskRetryPolicy.custom()
            .maxAttempts(7)
            .retryOnTimeout(false)
            .retryOnNoLiveAgent(false)
            .jitter(0)
            .build();
    TaskRetryPolicy copy = TaskRetryPolicy.from(p).build();
    assertThat(copy.toString()).isEqualTo(p.toString());
    assertThat(copy.retries("timeout")).isFalse();
    assertThat(copy.retries("error")).isTrue();
    assertThatThrownBy(() -> TaskRetryPolicy.custom().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskRetryPolicy.custom().multiplier(0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskRetryPolicy.custom().jitter(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskRetryPolicy.custom().initialBackoff(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
