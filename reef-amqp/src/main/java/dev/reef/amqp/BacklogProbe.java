package dev.reef.amqp;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what the backend still has to do, as far as it can tell: its publishes not yet
 * confirmed, the spores ready in the mailboxes it consumes (asked from the broker, one round trip
 * per mailbox, only when nothing local is pending), deliveries read but not yet dispatched, and
 * deliveries in handlers or waiting for a retry. Read upstream first, so that a spore moving along
 * is never missed. Thread-safe.
 */
final class BacklogProbe {
  private static final Logger log = LoggerFactory.getLogger(BacklogProbe.class);

  private final PublisherPool pool;
  private final MailboxRegistry mailboxes;
  private final CountingExecutor dispatch;
  private final ChannelPool channels;

  BacklogProbe(
      PublisherPool pool,
      MailboxRegistry mailboxes,
      CountingExecutor dispatch,
      ChannelPool channels) {
    this.pool = pool;
    this.mailboxes = mailboxes;
    this.dispatch = dispatch;
    this.channels = channels;
  }

  long backlog() {
    long local = pool.outstanding();
    if (local > 0) {
      return local;
    }
    long ready = readyInConsumedMailboxes();
    return ready + dispatch.pending() + mailboxes.inflight();
  }

  private long readyInConsumedMailboxes() {
    long n = 0;
    for (String queue : mailboxes.queues()) {
      try {
        // A passive declare of a deleted queue closes its channel: the pool then drops it.
        n += channels.call(ch -> ch.queueDeclarePassive(queue).getMessageCount());
      } catch (IOException | RuntimeException e) {
        log.debug("cannot read the depth of {}: {}", queue, e.toString());
      }
    }
    return n;
  }
}
