package dev.reef;

import java.time.Duration;

/**
 * How a backend redelivers a spore whose handler failed: up to {@link #maxAttempts()} deliveries in
 * all, waiting {@link #backoff(int)} between them, then the spore is dead-lettered with the last
 * error.
 *
 * <p>Defaults ({@link #ofDefaults()}): {@value #DEFAULT_MAX_ATTEMPTS} attempts, first backoff 100
 * ms, multiplier 2.0, at most 10 s. Build others with {@link #custom()}; values are validated when
 * built. Immutable and thread-safe.
 */
public final class RetryPolicy {
  /** Default number of delivery attempts, the first one included: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** The largest number of attempts a policy may allow. */
  private static final int MAX_ATTEMPTS_LIMIT = 1000;

  /** The largest backoff multiplier a policy may use. */
  private static final double MAX_MULTIPLIER = 100.0;

  /** Default first backoff: 100 ms. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

  /** Default backoff multiplier: {@value}. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** Default longest backoff: 10 s. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  private static final RetryPolicy DEFAULTS = custom().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
  }

  /**
   * The default policy.
   *
   * @return 5 attempts, 100 ms doubling up to 10 s
   */
  public static RetryPolicy ofDefaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * A policy that never redelivers: the first failure dead-letters the spore.
   *
   * @return a one-attempt policy
   */
  public static RetryPolicy noRetries() {
    return custom().maxAttempts(1).build();
  }

  /**
   * Deliveries in all, the first one included.
   *
   * @return at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The first backoff.
   *
   * @return the backoff after the first failure
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * The factor applied to the backoff after each failure.
   *
   * @return at least 1.0
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * The longest backoff.
   *
   * @return the cap on any backoff
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * The wait before the next delivery after the given failed attempt.
   *
   * @param failedAttempt the attempt that failed, starting at 1
   * @return {@code min(maxBackoff, initialBackoff * multiplier^(failedAttempt - 1))}
   */
  public Duration backoff(int failedAttempt) {
    double millis =
        initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
    long capped = (long) Math.min(millis, maxBackoff.toMillis());
    return Duration.ofMillis(capped);
  }

  /**
   * Whether another delivery follows the given failed attempt.
   *
   * @param failedAttempt the attempt that failed, starting at 1
   * @return true if {@code failedAttempt < maxAttempts}
   */
  public boolean shouldRetry(int failedAttempt) {
    return failedAttempt < maxAttempts;
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", multiplier="
        + multiplier
        + ", maxBackoff="
        + maxBackoff
        + "}";
  }

  /** Builds a {@link RetryPolicy}; not thread-safe. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

    private Builder() {}

    /**
     * Deliveries in all; default {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}.
     *
     * @param maxAttempts 1 to 1000
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The first backoff; default 100 ms.
     *
     * @param initialBackoff zero or positive
     * @return this builder
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
      return this;
    }

    /**
     * The backoff factor; default {@value RetryPolicy#DEFAULT_MULTIPLIER}.
     *
     * @param multiplier 1.0 to 100.0
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /**
     * The longest backoff; default 10 s.
     *
     * @param maxBackoff at least the initial backoff
     * @return this builder
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the policy
     * @throws IllegalArgumentException if a value is out of range
     */
    public RetryPolicy build() {
      if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
        throw new IllegalArgumentException(
            "maxAttempts must be 1.." + MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts);
      }
      if (initialBackoff == null || initialBackoff.isNegative()) {
        throw new IllegalArgumentException("initialBackoff must be >= 0, was " + initialBackoff);
      }
      if (!(multiplier >= 1.0 && multiplier <= MAX_MULTIPLIER)) {
        throw new IllegalArgumentException(
            "multiplier must be 1.0.." + MAX_MULTIPLIER + ", was " + multiplier);
      }
      if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must be >= initialBackoff (" + initialBackoff + "), was " + maxBackoff);
      }
      return new RetryPolicy(this);
    }
  }
}
