package dev.reef.amqp;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what the backend still has to do, as far as it can tell: its publishes not yet
 * confirmed, the spores ready in the mailboxes it consumes (asked from the broker, one round trip
 * per mailbox, only when nothing local is pending), deliveries on their way from the broker,
 * deliveries read but not yet dispatched, and deliveries in handlers or waiting for a retry.
 *
 * <p>A spore moves while it is measured (a handler publishes and settles, a confirm arrives, the
 * broker hands a delivery out), so one look can miss it between two stages. Zero is therefore
 * answered only after two full looks, each reading the queues' depth first, then making one round
 * trip on every consuming channel (so a delivery the broker handed out before it is read by then),
 * then the local counts; and only if no publish began and no delivery arrived from the start of the
 * first look to the end of the second. A spore that stands still is seen at whichever stage it
 * stands; one that moves changes a counter. Thread-safe.
 */
final class BacklogProbe {
  private static final Logger log = LoggerFactory.getLogger(BacklogProbe.class);

  /** Full looks that must all read zero. */
  static final int LOOKS = 2;

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
    long local = local();
    if (local > 0) {
      return local;
    }
    long published = pool.published();
    long delivered = mailboxes.deliveries();
    for (int i = 0; i < LOOKS; i++) {
      long ready = readyInConsumedMailboxes();
      if (ready > 0) {
        return ready;
      }
      mailboxes.flush();
      local = local();
      if (local > 0) {
        return local;
      }
    }
    // Something moved meanwhile: not idle yet (the caller looks again).
    return pool.published() != published || mailboxes.deliveries() != delivered ? 1 : 0;
  }

  private long local() {
    return pool.outstanding() + dispatch.pending() + mailboxes.inflight();
  }

  /**
   * Each consumed mailbox's depth: the spores ready in its queue (one passive declare per mailbox,
   * no lock held) plus its deliveries received and not yet settled. A mailbox whose queue cannot be
   * read is left out.
   *
   * @return channel, then agent, to depth; immutable
   */
  Map<String, Map<String, Long>> depths() {
    Map<String, Map<String, Long>> depths = new TreeMap<>();
    for (AmqpMailbox m : mailboxes.consumed()) {
      long ready;
      try {
        ready = channels.call(ch -> ch.queueDeclarePassive(m.queue()).getMessageCount());
      } catch (IOException | RuntimeException e) {
        log.debug("cannot read the depth of {}: {}", m.queue(), e.toString());
        continue;
      }
      depths
          .computeIfAbsent(m.channel(), c -> new TreeMap<>())
          .merge(m.agent(), ready + m.inflight(), Long::sum);
    }
    depths.replaceAll((c, agents) -> Collections.unmodifiableMap(agents));
    return Collections.unmodifiableMap(depths);
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
