package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void allowsTheBurstThenRefillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(new RateLimit(2.0, 3), now::get);

    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isFalse();

    now.addAndGet(499_000_000L); // just under one permit at 2/s
    assertThat(bucket.tryAcquire()).isFalse();
    now.addAndGet(1_000_000L);
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isFalse();
  }

  @Test
  void neverHoldsMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(new RateLimit(100.0, 2), now::get);
    now.addAndGet(60_000_000_000L);

    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isFalse();
  }
}
