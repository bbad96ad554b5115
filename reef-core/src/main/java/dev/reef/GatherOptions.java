package dev.reef;

import java.time.Duration;

/**
 * When a {@code gather} stops collecting: when every asked agent answered, when {@link #firstN()}
 * answered (if set), or at the {@link #timeout()}, whichever comes first. A gather never fails with
 * a timeout: it completes with what it has and names who did not answer.
 *
 * <p>Defaults ({@link #ofDefaults()}): timeout 30 s, no first-N limit. Immutable.
 */
public final class GatherOptions {
  /** Default timeout: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final GatherOptions DEFAULTS = custom().build();

  private final Duration timeout;
  private final int firstN;

  private GatherOptions(Builder b) {
    this.timeout = b.timeout;
    this.firstN = b.firstN;
  }

  /**
   * The defaults.
   *
   * @return timeout 30 s, wait for all
   */
  public static GatherOptions ofDefaults() {
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
   * The deadline, measured from the send.
   *
   * @return a positive duration
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Stop after this many replies; 0 means wait for all.
   *
   * @return 0 or more
   */
  public int firstN() {
    return firstN;
  }

  /** Builds {@link GatherOptions}; not thread-safe. */
  public static final class Builder {
    private Duration timeout = DEFAULT_TIMEOUT;
    private int firstN;

    private Builder() {}

    /**
     * The deadline; default 30 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Stop after this many replies; default 0 (wait for all).
     *
     * @param firstN 0 or more
     * @return this builder
     */
    public Builder firstN(int firstN) {
      this.firstN = firstN;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the options
     * @throws IllegalArgumentException if a value is out of range
     */
    public GatherOptions build() {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      if (firstN < 0) {
        throw new IllegalArgumentException("firstN must be >= 0, was " + firstN);
      }
      return new GatherOptions(this);
    }
  }
}
