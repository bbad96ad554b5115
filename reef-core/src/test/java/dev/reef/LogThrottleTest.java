package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void firstOccurrenceIsLoggedAndRepeatsWithinTheIntervalAreCounted() {
    LogThrottle throttle = new LogThrottle(Duration.ofSeconds(5));

    assertThat(throttle.admit("main java.io.IOException", 0)).isZero();
    assertThat(throttle.admit("main java.io.IOException", SECOND)).isEqualTo(-1);
    assertThat(throttle.admit("main java.io.IOException", 2 * SECOND)).isEqualTo(-1);
    assertThat(throttle.admit("main java.io.IOException", 6 * SECOND)).isEqualTo(2);
    assertThat(throttle.admit("main java.io.IOException", 7 * SECOND)).isEqualTo(-1);
  }

  @Test
  void keysAreThrottledSeparately() {
    LogThrottle throttle = new LogThrottle(Duration.ofSeconds(5));

    assertThat(throttle.admit("a", 0)).isZero();
    assertThat(throttle.admit("b", 0)).isZero();
    assertThat(throttle.admit("a", 1)).isEqualTo(-1);
  }
}
