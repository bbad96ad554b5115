package dev.reef;

import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetteredException;
import dev.reef.spi.support.Failures;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the asker of a request whose handling finally failed in this reef with an {@link
 * ErrorResponses error response}, so that its {@code ask} fails at once rather than at its
 * deadline. Backend-neutral: it reacts to the backend's {@link SporeEvent#DEAD_LETTERED} event for
 * a request addressed to the mailbox that gave up on it (and to {@link SporeEvent#MALFORMED} when
 * the request could still be read). The message is the failure's simple class name and message,
 * never its stack trace; the request's knowledge is never copied. Thread-safe.
 */
final class ErrorResponder {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  /** Publishes a spore on a channel, as the reef's system (no broadcast rate limit). */
  interface Publish {
    CompletableFuture<Spore> publish(String channel, Spore spore);
  }

  private final Publish publish;

  ErrorResponder(Publish publish) {
    this.publish = publish;
  }

  /** Looks at one backend event and answers the asker when it ends a request's handling. */
  void onEvent(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    if (spore == null
        || spore.type() != SporeType.REQUEST
        || !spore.isDirected()
        || !spore.toAgent().equals(agent)
        || spore.fromAgent().equals(agent)) {
      return;
    }
    String type;
    int attempts = 0;
    if (event == SporeEvent.DEAD_LETTERED) {
      type = DeadLetterReason.HANDLER_FAILED.wireName();
      if (error instanceof DeadLetteredException) {
        DeadLetteredException d = (DeadLetteredException) error;
        if (d.reason() == DeadLetterReason.UNAUTHORIZED
            || d.reason() == DeadLetterReason.BAD_SIGNATURE) {
          return; // the named sender may not be the real one: never answer a refused spore
        }
        type = d.reason().wireName();
        attempts = d.attempts();
      }
    } else if (event == SporeEvent.MALFORMED) {
      type = DeadLetterReason.MALFORMED.wireName();
    } else {
      return;
    }
    Spore response;
    try {
      response = ErrorResponses.of(spore, type, messageOf(error), attempts);
    } catch (RuntimeException e) {
      LOG.debug("cannot build the error response to request {}: {}", spore.id(), e.toString());
      return;
    }
    try {
      publish
          .publish(channel, response)
          .whenComplete(
              (s, t) -> {
                if (t != null) {
                  LOG.debug(
                      "the error response to request {} was not delivered: {}",
                      spore.id(),
                      Failures.unwrap(t).toString());
                }
              });
    } catch (RuntimeException e) {
      LOG.debug("the error response to request {} was not sent: {}", spore.id(), e.toString());
    }
  }

  /** The failure's simple class name and message; the cause of a dead letter's error. */
  static String messageOf(Throwable error) {
    if (error == null) {
      return "";
    }
    Throwable t =
        error instanceof DeadLetteredException && error.getCause() != null
            ? error.getCause()
            : Failures.unwrap(error);
    String name = t.getClass().getSimpleName();
    return t.getMessage() == null ? name : name + ": " + t.getMessage();
  }
}
