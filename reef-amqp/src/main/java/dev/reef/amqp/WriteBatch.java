package dev.reef.amqp;

import com.rabbitmq.client.impl.AMQConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch of publishes written with one socket flush: amqp-client 5.x flushes the socket after
 * every command it sends ({@code AMQCommand.transmit}), so a hundred publishes cost a hundred
 * writes to the socket and a hundred TCP segments for the broker to read. While the calling thread
 * holds a batch ({@link #begin()} to {@link #close()}), the flushes {@link GuardedFrameHandler}
 * sees from this thread are deferred; {@link #close()} flushes each connection written to once. The
 * frames themselves are written at once into the connection's buffer, in order, so another thread's
 * flush on the same connection (its own publish, an ack, a heartbeat) also sends them; only this
 * thread's flushes wait, and other threads' flushes are never deferred.
 *
 * <p>Only {@code basic.publish} is meant to be sent inside a batch: a command that waits for the
 * broker's answer would wait for a request still in the buffer. A path that must send anything else
 * (closing a channel) calls {@link #flushNow()} first, which ends the deferral; as a safety net the
 * frame handler does the same when it sees any other method frame from the batching thread. A flush
 * that fails at the end goes through amqp-client's own write-error handling (the connection is
 * recovered and the channel's unconfirmed publishes fail as lost), exactly as the per-command flush
 * it replaces would have.
 */
final class WriteBatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteBatch.class);

  private static final ThreadLocal<WriteBatch> CURRENT = new ThreadLocal<>();

  /** What a nested {@link #begin()} returns: the outer batch flushes. */
  private static final WriteBatch NESTED = new WriteBatch();

  /** The connections whose flush was deferred, in the order first written; usually one. */
  private final List<AMQConnection> deferred = new ArrayList<>(1);

  private WriteBatch() {}

  /** Begins a batch on the calling thread; inside another one, the outer one stays in charge. */
  static WriteBatch begin() {
    if (CURRENT.get() != null) {
      return NESTED;
    }
    WriteBatch b = new WriteBatch();
    CURRENT.set(b);
    return b;
  }

  /**
   * Called by the frame handler instead of flushing: whether the calling thread holds a batch, in
   * which case the connection's flush is deferred to the batch's end.
   */
  static boolean defer(AMQConnection connection) {
    WriteBatch b = CURRENT.get();
    if (b == null || connection == null) {
      return false;
    }
    for (AMQConnection c : b.deferred) {
      if (c == connection) {
        return true;
      }
    }
    b.deferred.add(connection);
    return true;
  }

  /** Whether the calling thread holds a batch. */
  static boolean deferring() {
    return CURRENT.get() != null;
  }

  /** Flushes what the calling thread's batch deferred so far and ends its deferral. */
  static void flushNow() {
    WriteBatch b = CURRENT.get();
    if (b != null) {
      b.close();
    }
  }

  /** Ends the batch and flushes every connection it deferred, once. Idempotent. */
  @Override
  public void close() {
    if (this == NESTED || CURRENT.get() != this) {
      return;
    }
    CURRENT.remove();
    for (AMQConnection c : deferred) {
      try {
        c.flush();
      } catch (IOException | RuntimeException e) {
        // amqp-client's write-error listener has already started the connection's recovery; the
        // channel's shutdown fails its unconfirmed publishes as lost.
        log.debug("flushing a batch of publishes failed: {}", e.toString());
      }
    }
    deferred.clear();
  }
}
