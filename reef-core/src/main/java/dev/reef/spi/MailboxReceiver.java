package dev.reef.spi;

import dev.reef.Spore;
import java.time.Duration;

/**
 * Pull access to one mailbox ({@link ReefBackend#receiver(String, String)}): the caller takes
 * spores when it wants them instead of registering a handler, and settles each one itself. A
 * receiver is a consumer of the mailbox like any other: several receivers (or handlers, in other
 * processes) compete for its spores. Closing it hands back the spores it read ahead and did not
 * return.
 */
public interface MailboxReceiver extends AutoCloseable {
  /**
   * Takes the next spore, waiting up to the timeout. It stays unsettled until {@link
   * Received#ack()} or {@link Received#nack(Throwable)}.
   *
   * @param timeout how long to wait; zero does not wait
   * @return the spore and its settlement
   * @throws dev.reef.ReceiveTimeoutException if none came in time
   * @throws dev.reef.ReefClosedException if the receiver is closed
   */
  Received receive(Duration timeout);

  /**
   * Takes the next spore and acknowledges it at once (settled on return).
   *
   * @param timeout how long to wait
   * @return the spore
   * @throws dev.reef.ReceiveTimeoutException if none came in time
   */
  default Spore take(Duration timeout) {
    Received r = receive(timeout);
    r.ack();
    return r.spore();
  }

  /** Stops receiving; spores read ahead and not handed out go back to the mailbox. Idempotent. */
  @Override
  void close();

  /** A spore taken with {@link #receive(Duration)} and its settlement. Settle it once. */
  interface Received {
    /**
     * The spore.
     *
     * @return the spore
     */
    Spore spore();

    /**
     * The delivery attempt, from 1.
     *
     * @return the attempt
     */
    int attempt();

    /** Settles the spore: it is done. */
    void ack();

    /**
     * A failed attempt: the spore is redelivered under the backend's retry policy, and
     * dead-lettered after the last attempt, as a failing handler's would be.
     *
     * @param error why
     */
    void nack(Throwable error);
  }
}
