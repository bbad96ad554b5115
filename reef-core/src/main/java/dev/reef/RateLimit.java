package dev.reef;

/**
 * A token-bucket rate: {@code permitsPerSecond} sustained, up to {@code burst} at once. Used to
 * limit broadcasts per agent ({@link ReefOptions.Builder#broadcastRateLimit(RateLimit)}); a
 * broadcast over the limit fails with {@link UnauthorizedException}.
 *
 * @param permitsPerSecond sustained rate, greater than 0
 * @param burst bucket size, at least 1
 */
public record RateLimit(double permitsPerSecond, int burst) {
  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if a value is out of range
   */
  public RateLimit {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException("permitsPerSecond must be > 0, was " + permitsPerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be >= 1, was " + burst);
    }
  }

  /**
   * A rate with a burst equal to one second's permits (at least 1).
   *
   * @param permitsPerSecond sustained rate, greater than 0
   * @return the rate limit
   */
  public static RateLimit perSecond(double permitsPerSecond) {
    return new RateLimit(permitsPerSecond, (int) Math.max(1, Math.ceil(permitsPerSecond)));
  }
}
