package dev.reef.amqp;

import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.observe.ConnectionState;
import dev.reef.spi.BackendListener;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports to the reef's {@link BackendListener}: spore events, direct replies, lost direct replies.
 * A failing listener is logged, never propagated into the backend's threads. Thread-safe.
 */
final class BackendEvents {
  private static final Logger log = LoggerFactory.getLogger(BackendEvents.class);

  private final BackendListener listener;
  private final Executor callbacks;

  BackendEvents(BackendListener listener, Executor callbacks) {
    this.listener = listener;
    this.callbacks = callbacks;
  }

  void event(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    try {
      listener.onEvent(event, channel, agent, spore, error);
    } catch (RuntimeException e) {
      log.warn("backend listener failed on {}: {}", event, e.toString());
    }
  }

  /** A response arrived on the direct reply path. */
  void directReply(String channel, Spore response) {
    try {
      listener.onDirectReply(channel, response);
    } catch (RuntimeException e) {
      log.warn("backend listener failed on a direct reply: {}", e.toString());
    }
  }

  /**
   * Tells the listener that direct replies can no longer arrive, on the callbacks executor: never
   * on the connection's thread that runs shutdown listeners, since the reef may then detach mailbox
   * consumers, and a channel call made on that thread would wait for an answer that only that
   * thread could deliver.
   */
  void directRepliesLost(String reason) {
    Runnable task =
        () -> {
          try {
            listener.onDirectRepliesLost(reason);
          } catch (RuntimeException e) {
            log.warn("backend listener failed on lost direct replies: {}", e.toString());
          }
        };
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("closing: not reporting lost direct replies ({})", reason);
    }
  }

  /**
   * Reports a connection's new state, on the callbacks executor: never on the connection's own
   * threads (shutdown and recovery listeners), which a listener's broker call could wait for.
   */
  void connectionState(ConnectionState state, String connection, String detail) {
    Runnable task =
        () -> {
          try {
            listener.onConnectionState(state, connection, detail);
          } catch (RuntimeException e) {
            log.warn("backend listener failed on connection state {}: {}", state, e.toString());
          }
        };
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("closing: not reporting connection state {}", state);
    }
  }
}
