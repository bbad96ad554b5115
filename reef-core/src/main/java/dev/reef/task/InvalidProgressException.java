package dev.reef.task;

import dev.reef.ReefException;

/** A progress fraction outside [0, 1] (or NaN), or a blank component name. */
public class InvalidProgressException extends ReefException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong
   */
  public InvalidProgressException(String message) {
    super(message);
  }
}
