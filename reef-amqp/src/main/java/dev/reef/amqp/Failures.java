package dev.reef.amqp;

import java.util.concurrent.CompletionException;

/** Describing and unwrapping failures for messages and futures. Stateless. */
final class Failures {
  private Failures() {}

  /** The failure and, when it has no message of its own, its cause's message. */
  static String describe(Throwable e) {
    Throwable cause = e.getCause();
    return cause != null && e.getMessage() == null
        ? e + " (" + cause.getMessage() + ")"
        : e.toString();
  }

  /** The failure inside {@link CompletionException} wrappers. */
  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
