package dev.reef.amqp.internal;

/**
 * A message from the wire could not be read as a spore; the message says why. Internal: not API.
 */
public final class MalformedWireException extends Exception {
  private static final long serialVersionUID = 1L;

  MalformedWireException(String message) {
    super(message);
  }

  MalformedWireException(String message, Throwable cause) {
    super(message, cause);
  }
}
