package dev.reef.task;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a requester retries a task (immutable; Resilience4j style: {@link #ofDefaults()}, {@link
 * #custom()}, {@link #from(TaskRetryPolicy)}). A retry resubmits the task with the same task id and
 * idempotency key, as a new attempt; a task routed by capability goes to another live agent of the
 * capability, excluding the agents whose attempts failed. Each retry is a {@link
 * TaskEventType#RETRIED} event.
 *
 * <table>
 *   <caption>Settings and defaults (seed 000: 3 retries, factor 1.5, cap 30 s)</caption>
 *   <tr><th>setting</th><th>{@link #ofDefaults()}</th><th>{@link #none()}</th></tr>
 *   <tr><td>maxAttempts (first attempt included)</td><td>4</td><td>1</td></tr>
 *   <tr><td>initialBackoff</td><td>500 ms</td><td>-</td></tr>
 *   <tr><td>multiplier</td><td>1.5</td><td>-</td></tr>
 *   <tr><td>maxBackoff (cap)</td><td>30 s</td><td>-</td></tr>
 *   <tr><td>jitter (± fraction of the backoff)</td><td>0.2</td><td>-</td></tr>
 *   <tr><td>retryOnFailure / Timeout / Terminated / NoLiveAgent</td><td>all true</td><td>-</td></tr>
 * </table>
 *
 * <p>A {@link TaskRequest} without a policy uses {@link #none()}. A refusal (REJECTED) and a cancel
 * are never retried.
 */
public final class TaskRetryPolicy {
  private static final TaskRetryPolicy DEFAULTS = custom().build();
  private static final TaskRetryPolicy NONE = custom().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final boolean retryOnFailure;
  private final boolean retryOnTimeout;
  private final boolean retryOnTerminated;
  private final boolean retryOnNoLiveAgent;

  private TaskRetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.retryOnFailure = b.retryOnFailure;
    this.retryOnTimeout = b.retryOnTimeout;
    this.retryOnTerminated = b.retryOnTerminated;
    this.retryOnNoLiveAgent = b.retryOnNoLiveAgent;
  }

  /**
   * The defaults in the table above.
   *
   * @return the policy
   */
  public static TaskRetryPolicy ofDefaults() {
    return DEFAULTS;
  }

  /**
   * One attempt, no retry.
   *
   * @return the policy
   */
  public static TaskRetryPolicy none() {
    return NONE;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return the builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * A builder starting from a policy.
   *
   * @param policy the policy to copy
   * @return the builder
   */
  public static Builder from(TaskRetryPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    Builder b = new Builder();
    b.maxAttempts = policy.maxAttempts;
    b.initialBackoff = policy.initialBackoff;
    b.multiplier = policy.multiplier;
    b.maxBackoff = policy.maxBackoff;
    b.jitter = policy.jitter;
    b.retryOnFailure = policy.retryOnFailure;
    b.retryOnTimeout = policy.retryOnTimeout;
    b.retryOnTerminated = policy.retryOnTerminated;
    b.retryOnNoLiveAgent = policy.retryOnNoLiveAgent;
    return b;
  }

  /**
   * Attempts in all, the first included.
   *
   * @return 1 or more
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The backoff before the retry that follows a failed attempt, jitter included: {@code
   * min(maxBackoff, initialBackoff * multiplier^(attempt - 1))}, then ± jitter.
   *
   * @param failedAttempt the attempt that failed, from 1
   * @return the delay
   */
  public Duration backoff(int failedAttempt) {
    double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
    base = Math.min(base, maxBackoff.toMillis());
    double j = jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    return Duration.ofMillis(Math.max(0, Math.round(base * (1 + j))));
  }

  /**
   * Whether a failed attempt of this reason is retried (attempts left aside).
   *
   * @param reason {@code error}, {@code timeout}, {@code terminated} or {@code no_agent}
   * @return whether to retry
   */
  public boolean retries(String reason) {
    switch (reason) {
      case TaskReasons.ERROR:
        return retryOnFailure;
      case TaskReasons.TIMEOUT:
        return retryOnTimeout;
      case TaskReasons.TERMINATED:
        return retryOnTerminated;
      case TaskReasons.NO_AGENT:
        return retryOnNoLiveAgent;
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return "TaskRetryPolicy{maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", multiplier="
        + multiplier
        + ", maxBackoff="
        + maxBackoff
        + ", jitter="
        + jitter
        + ", onFailure="
        + retryOnFailure
        + ", onTimeout="
        + retryOnTimeout
        + ", onTerminated="
        + retryOnTerminated
        + ", onNoLiveAgent="
        + retryOnNoLiveAgent
        + "}";
  }

  /** Builds a {@link TaskRetryPolicy}; starts from the defaults. */
  public static final class Builder {
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private double multiplier = 1.5;
    private Duration maxBackoff = Duration.ofSeconds(30);
    private double jitter = 0.2;
    private boolean retryOnFailure = true;
    private boolean retryOnTimeout = true;
    private boolean retryOnTerminated = true;
    private boolean retryOnNoLiveAgent = true;

    private Builder() {}

    /**
     * Attempts in all.
     *
     * @param maxAttempts 1 to 100
     * @return this
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException("maxAttempts must be 1..100, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The first backoff.
     *
     * @param initialBackoff zero or positive
     * @return this
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative("initialBackoff", initialBackoff);
      return this;
    }

    /**
     * The backoff factor per retry.
     *
     * @param multiplier at least 1
     * @return this
     */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * The cap of the backoff.
     *
     * @param maxBackoff zero or positive
     * @return this
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative("maxBackoff", maxBackoff);
      return this;
    }

    /**
     * The random spread of each backoff, as a fraction of it.
     *
     * @param jitter 0 (none) to 1
     * @return this
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be in [0, 1], was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * Whether an attempt the worker failed (an exception) is retried.
     *
     * @param retry whether to
     * @return this
     */
    public Builder retryOnFailure(boolean retry) {
      this.retryOnFailure = retry;
      return this;
    }

    /**
     * Whether an attempt that timed out is retried.
     *
     * @param retry whether to
     * @return this
     */
    public Builder retryOnTimeout(boolean retry) {
      this.retryOnTimeout = retry;
      return this;
    }

    /**
     * Whether an attempt whose agent was terminated or lost its last live instance is retried.
     *
     * @param retry whether to
     * @return this
     */
    public Builder retryOnTerminated(boolean retry) {
      this.retryOnTerminated = retry;
      return this;
    }

    /**
     * Whether an attempt that found no live agent (or an unknown one) is retried.
     *
     * @param retry whether to
     * @return this
     */
    public Builder retryOnNoLiveAgent(boolean retry) {
      this.retryOnNoLiveAgent = retry;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public TaskRetryPolicy build() {
      return new TaskRetryPolicy(this);
    }

    private static Duration nonNegative(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + d);
      }
      return d;
    }
  }
}
