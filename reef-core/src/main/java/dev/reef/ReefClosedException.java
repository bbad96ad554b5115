package dev.reef;

/**
 * The reef or its backend is closed (or closing): it takes no new spores, and pending asks fail
 * with this exception.
 */
public class ReefClosedException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what was refused
   */
  public ReefClosedException(String message) {
    super(message);
  }
}
