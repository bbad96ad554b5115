package dev.reef;

import java.util.function.LongSupplier;

/** A token bucket for one agent's broadcasts ({@link RateLimit}). Thread-safe. */
final class TokenBucket {
  private final double permitsPerNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  TokenBucket(RateLimit limit) {
    this(limit, System::nanoTime);
  }

  TokenBucket(RateLimit limit, LongSupplier nanoClock) {
    this.permitsPerNano = limit.permitsPerSecond() / 1e9;
    this.burst = limit.burst();
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.last = nanoClock.getAsLong();
  }

  /**
   * Takes one permit if available.
   *
   * @return true if the action may proceed
   */
  synchronized boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * permitsPerNano);
      last = now;
    }
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return true;
    }
    return false;
  }
}
