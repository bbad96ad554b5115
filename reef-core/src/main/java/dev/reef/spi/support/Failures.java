package dev.reef.spi.support;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwrapping and describing failures, the same way in every backend. SPI support. */
public final class Failures {
  private Failures() {}

  /**
   * The failure inside {@link CompletionException} and {@link ExecutionException} wrappers, however
   * deeply nested; a wrapper without a cause is returned as it is.
   *
   * @param t a failure, not null
   * @return the innermost cause of the wrapper chain, or {@code t} itself
   */
  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * A failure as one line of text: {@code ClassName: message}; when it has no message, {@code
   * ClassName (cause message)} if its cause has one, else just {@code ClassName}. Never includes a
   * stack trace.
   *
   * @param t a failure, not null
   * @return the description
   */
  public static String describe(Throwable t) {
    String name = t.getClass().getName();
    String message = t.getMessage();
    if (message != null) {
      return name + ": " + message;
    }
    Throwable cause = t.getCause();
    return cause != null && cause.getMessage() != null
        ? name + " (" + cause.getMessage() + ")"
        : name;
  }

  /**
   * Text cut to at most {@code max} characters, ending in {@code ...} when cut.
   *
   * @param text the text, not null
   * @param max at least 4
   * @return the text or its bounded prefix
   */
  public static String bounded(String text, int max) {
    if (max < 4) {
      throw new IllegalArgumentException("max must be at least 4, was " + max);
    }
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
