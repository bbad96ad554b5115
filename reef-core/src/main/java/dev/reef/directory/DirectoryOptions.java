package dev.reef.directory;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of an {@link AgentDirectory}. Immutable.
 *
 * <ul>
 *   <li>{@code lease} (10 s): an instance that has not renewed its lease for this long is gone;
 *   <li>{@code renewInterval} (a third of the lease): how often a live instance renews;
 *   <li>{@code cardRefresh} (1 day): how often a live instance writes its card again, and a
 *       following process writes again a termination older than this, so that both outlive the
 *       store's retention of records;
 *   <li>{@code syncTimeout} (10 s): how long reading a channel's history, or a write, may take.
 * </ul>
 *
 * @param lease the lease
 * @param renewInterval the renewal interval, shorter than the lease
 * @param cardRefresh the card refresh interval
 * @param syncTimeout the bound on reading the history and on writes
 */
public record DirectoryOptions(
    Duration lease, Duration renewInterval, Duration cardRefresh, Duration syncTimeout) {
  /** The default lease. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  /**
   * Checks the options.
   *
   * @param lease the lease
   * @param renewInterval the renewal interval, shorter than the lease
   * @param cardRefresh the card refresh interval
   * @param syncTimeout the bound on reading the history and on writes
   */
  public DirectoryOptions {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(renewInterval, "renewInterval");
    Objects.requireNonNull(cardRefresh, "cardRefresh");
    Objects.requireNonNull(syncTimeout, "syncTimeout");
    if (lease.toMillis() < 100) {
      throw new IllegalArgumentException("lease must be at least 100 ms, was " + lease);
    }
    if (renewInterval.isNegative()
        || renewInterval.isZero()
        || renewInterval.compareTo(lease) >= 0) {
      throw new IllegalArgumentException("renewInterval must be positive and below the lease");
    }
    if (cardRefresh.compareTo(renewInterval) < 0) {
      throw new IllegalArgumentException("cardRefresh must not be shorter than renewInterval");
    }
    if (syncTimeout.isNegative() || syncTimeout.isZero()) {
      throw new IllegalArgumentException("syncTimeout must be positive");
    }
  }

  /**
   * The defaults: a 10 s lease renewed every 3.33 s.
   *
   * @return the options
   */
  public static DirectoryOptions ofDefaults() {
    return withLease(DEFAULT_LEASE);
  }

  /**
   * Default options with another lease, renewed at a third of it.
   *
   * @param lease the lease, at least 100 ms
   * @return the options
   */
  public static DirectoryOptions withLease(Duration lease) {
    return new DirectoryOptions(
        lease, lease.dividedBy(3), Duration.ofDays(1), Duration.ofSeconds(10));
  }
}
