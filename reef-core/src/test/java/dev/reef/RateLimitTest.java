package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimitTest {
  @Test
  void rejectsOutOfRangeValues() {
    assertThatThrownBy(() -> new RateLimit(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(Double.POSITIVE_INFINITY, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("burst");
  }

  @Test
  void perSecondUsesOneSecondOfPermitsAsTheBurst() {
    assertThat(RateLimit.perSecond(10)).isEqualTo(new RateLimit(10, 10));
    assertThat(RateLimit.perSecond(0.5)).isEqualTo(new RateLimit(0.5, 1));
    assertThat(RateLimit.perSecond(2.5).burst()).isEqualTo(3);
  }
}
