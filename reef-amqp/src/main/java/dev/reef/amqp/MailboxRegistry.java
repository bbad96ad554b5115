package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.ReefException;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailboxes this backend consumes, on channels they share ({@link ConsumerChannels}), and the
 * deliveries they hold (received, not yet settled). A mailbox is claimed before it is declared and
 * consumed, so that two consumers of one mailbox are refused without holding a lock during the
 * broker calls.
 *
 * <p>When the broker closes a shared consumer channel (a channel error; issue 13), the mailboxes on
 * it move to other channels at once, on the scheduler thread, and the loss is logged and reported
 * once ({@link BrokerNotices#consumerChannelLost}). The subscribe whose consume caused the error
 * (the broker's reason names its queue) fails with its typed error and is not re-attached; one
 * whose consume only waited on that channel when it closed is tried once more on another channel.
 * Thread-safe.
 */
final class MailboxRegistry {
  private static final Logger log = LoggerFactory.getLogger(MailboxRegistry.class);

  private final AmqpSettings settings;
  private final ConsumerChannels channels;
  private final Topology topology;
  private final Map<String, AmqpMailbox> mailboxes = new ConcurrentHashMap<>();
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();
  private final AtomicLong inflight = new AtomicLong();
  private final AtomicLong deliveries = new AtomicLong();

  /** How often a subscribe whose channel a neighbour's error closed is tried on another one. */
  private static final int BYSTANDER_ATTEMPTS = 3;

  private final BrokerNotices notices;

  MailboxRegistry(
      AmqpSettings settings,
      AmqpConnection connection,
      Topology topology,
      BackendThreads threads,
      BrokerNotices notices) {
    this.settings = settings;
    this.notices = notices;
    this.channels =
        new ConsumerChannels(
            connection,
            settings.prefetch(),
            task -> threads.schedule(task, Duration.ZERO),
            this::channelLost);
    this.topology = topology;
  }

  /**
   * On the scheduler thread: the broker closed a consumer channel. Every mailbox still consuming on
   * it moves to another channel; reported once.
   */
  private void channelLost(Channel dead, ShutdownSignalException sig) {
    long start = System.nanoTime();
    List<AmqpMailbox> on = new ArrayList<>();
    for (AmqpMailbox m : mailboxes.values()) {
      if (m.currentChannel() == dead && !m.isClosed()) {
        on.add(m);
      }
    }
    notices.consumerChannelLost(BrokerErrors.describe(sig), on.size());
    for (AmqpMailbox m : on) {
      m.moveFrom(dead);
    }
    if (!on.isEmpty()) {
      log.info(
          "{} mailboxes re-attached in {} ms", on.size(), (System.nanoTime() - start) / 1_000_000);
    }
  }

  /**
   * Declares the mailbox unless this backend did before, and consumes it.
   *
   * @throws IllegalStateException if this backend already consumes that mailbox
   * @throws ReefException if the broker refuses
   */
  MailboxSubscription consume(
      String channel, String agent, MailboxConsumer consumer, MailboxContext context) {
    String queue = settings.mailboxQueueFor(channel, agent);
    if (!claimed.add(queue)) {
      throw new IllegalStateException(
          "this backend already consumes the mailbox of '" + agent + "' on '" + channel + "'");
    }
    boolean attached = false;
    try {
      // A mailbox this backend declared before is not declared again (two calls to the broker
      // saved on every attach, which an asker without handlers makes for each ask), only checked
      // on a pooled channel: a consume of a deleted queue would close the consumers' channel,
      // which up to 31 other mailboxes share. If it is deleted in between, the consume fails
      // with 404 and it is declared and consumed once more.
      boolean declaredBefore = topology.isDeclared(queue);
      if (declaredBefore && !topology.exists(queue)) {
        topology.forgetMailbox(queue);
        declaredBefore = false;
      }
      if (!declaredBefore) {
        topology.declareMailbox(channel, agent);
      }
      AmqpMailbox m;
      try {
        try {
          m = attach(channel, agent, queue, consumer, context);
        } catch (IOException e) {
          if (!declaredBefore || !Topology.isNotFound(e)) {
            throw e;
          }
          topology.forgetMailbox(queue);
          topology.declareMailbox(channel, agent);
          m = attach(channel, agent, queue, consumer, context);
        }
      } catch (IOException | RuntimeException e) {
        if (!declaredBefore) {
          // Declared for this subscribe only: leave no queue behind (one that has messages or a
          // consumer, e.g. declared by another process, stays).
          topology.deleteIfUnusedAndEmpty(channel, queue);
        }
        throw BrokerErrors.map("cannot consume the mailbox queue '" + queue + "'", e);
      }
      attached = true;
      return m;
    } finally {
      if (!attached) {
        claimed.remove(queue);
      }
    }
  }

  /**
   * Consumes the queue on a shared channel. A consume that failed only because another call's error
   * closed the channel it waited on (the broker's reason does not name this queue) is tried again
   * on another channel; the one the broker refused fails.
   */
  private AmqpMailbox attach(
      String channel, String agent, String queue, MailboxConsumer consumer, MailboxContext context)
      throws IOException {
    AmqpMailbox mailbox = new AmqpMailbox(context, channel, agent, queue, consumer);
    mailboxes.put(queue, mailbox);
    for (int attempt = 1; ; attempt++) {
      Channel ch = null;
      try {
        ch = channels.acquire();
        mailbox.start(ch);
        return mailbox;
      } catch (IOException | RuntimeException e) {
        if (ch != null) {
          channels.release(ch);
        }
        if (attempt >= BYSTANDER_ATTEMPTS || !BrokerErrors.isBystander(e, queue)) {
          mailboxes.remove(queue);
          throw e;
        }
        log.debug("consume of {} met a channel closed by another call, trying again: {}", queue, e);
      }
    }
  }

  /** A channel with room for one more mailbox. */
  Channel acquireChannel() throws IOException {
    return channels.acquire();
  }

  /** A mailbox no longer uses its channel (shared with up to 31 others). */
  void release(Channel ch) {
    channels.release(ch);
  }

  /** The consumer channels open now. */
  int openChannels() {
    return channels.open();
  }

  /** The mailbox closed. */
  void unregister(AmqpMailbox m) {
    if (mailboxes.remove(m.queue(), m)) {
      claimed.remove(m.queue());
    }
  }

  /** The mailboxes consumed now. */
  List<AmqpMailbox> consumed() {
    return new ArrayList<>(mailboxes.values());
  }

  /** The queues consumed now. */
  List<String> queues() {
    List<String> queues = new ArrayList<>();
    for (AmqpMailbox m : mailboxes.values()) {
      queues.add(m.queue());
    }
    return queues;
  }

  void inflightChanged(int delta) {
    if (delta > 0) {
      deliveries.addAndGet(delta);
    }
    inflight.addAndGet(delta);
  }

  /** Deliveries received so far, in every mailbox (only grows). */
  long deliveries() {
    return deliveries.get();
  }

  /**
   * One round trip on every consumed mailbox's channel: whatever the broker handed those channels
   * before has been read and queued for dispatch when it returns (see {@link BacklogProbe}).
   */
  void flush() {
    for (AmqpMailbox m : mailboxes.values()) {
      m.flush(settings.prefetch());
    }
  }

  /** Deliveries received and not yet settled, in every mailbox. */
  long inflight() {
    return inflight.get();
  }

  /**
   * Cancels every consumer and waits until the deliveries in handlers or waiting for a retry are
   * settled, or the deadline; those still unsettled then are logged (the broker requeues them when
   * the connection closes).
   */
  void closeAll(long deadlineNanos) throws InterruptedException {
    List<AmqpMailbox> open = new ArrayList<>(mailboxes.values());
    for (AmqpMailbox m : open) {
      m.close();
    }
    for (AmqpMailbox m : open) {
      if (!m.awaitIdle(deadlineNanos)) {
        log.warn(
            "mailbox {} still had {} unsettled deliveries at close; the broker requeues them",
            m.queue(),
            m.inflight());
      }
    }
  }
}
