package dev.reef.observe;

/** How an observed operation ended ({@link ReefObservation#stop}); bounded, usable as a tag. */
public enum Outcome {
  /**
   * It succeeded: a publish was accepted by the backend, every handler succeeded, an ask got its
   * answer.
   */
  SUCCESS,
  /**
   * It failed: a publish was refused or failed, a handler threw or its stage failed, an ask failed
   * (a remote failure, a terminated agent, a lost reply path, close).
   */
  FAILURE,
  /** An ask's timeout passed without an answer ({@link dev.reef.RequestTimeoutException}). */
  TIMEOUT;

  /**
   * The wire-style name used as a tag value.
   *
   * @return {@code success}, {@code failure} or {@code timeout}
   */
  public String tagValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
