package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels the mailbox consumers share on the consumers' connection: up to {@link
 * #MAILBOXES_PER_CHANNEL} consumers on each (issue 13, item 7: one channel per mailbox capped a
 * process at the broker's channel_max, ~2,044 mailboxes, and cost two more broker calls per
 * subscribe). Each channel's {@code basic.qos} is per consumer ({@code global=false}), so every
 * mailbox keeps its own prefetch. A channel is closed when its last mailbox leaves.
 *
 * <p>A channel the broker closes for a reason of its own (a channel error; not the application's
 * close, not the connection's loss, which amqp-client's recovery handles) is dropped at once, so it
 * is never handed out again and its users no longer count, and reported to the loss handler on the
 * background executor (never the connection's thread, where a broker call would wait for itself):
 * its mailboxes move to other channels. Its number is not used again for a while, and deliveries
 * for a consumer a channel does not know are ignored, so that what the broker still wrote for the
 * closed channel cannot close the whole connection. Should a later connection recovery bring such a
 * channel back, it is closed. No lock is held during a broker call. Thread-safe.
 */
final class ConsumerChannels {
  private static final Logger log = LoggerFactory.getLogger(ConsumerChannels.class);

  /** How many mailbox consumers share one channel: {@value}. */
  static final int MAILBOXES_PER_CHANNEL = 32;

  /** How many numbers of channels the broker closed are not opened again: the latest {@value}. */
  static final int QUARANTINED_NUMBERS = 64;

  private final AmqpConnection connection;
  private final int prefetch;
  private final Executor background;
  private final BiConsumer<Channel, ShutdownSignalException> lost;

  /** Mailboxes on each open channel. Guarded by itself. */
  private final Map<Channel, Integer> users = new IdentityHashMap<>();

  /**
   * The numbers of the channels the broker closed lately, oldest first: deliveries it wrote for
   * such a channel may still arrive after its close, and must not reach a new channel of that
   * number (see {@link AmqpConnection#openConsumerChannel(Set)}). Guarded by {@link #users}.
   */
  private final ArrayDeque<Integer> quarantined = new ArrayDeque<>();

  /**
   * @param background runs the loss handler and closes channels a recovery brought back
   * @param lost called with a channel the broker closed and the broker's signal
   */
  ConsumerChannels(
      AmqpConnection connection,
      int prefetch,
      Executor background,
      BiConsumer<Channel, ShutdownSignalException> lost) {
    this.connection = connection;
    this.prefetch = prefetch;
    this.background = background;
    this.lost = lost;
  }

  /**
   * A channel with room for one more mailbox consumer, counted as used by it until {@link
   * #release}.
   *
   * @throws IOException if a new channel cannot be opened
   */
  Channel acquire() throws IOException {
    synchronized (users) {
      for (Map.Entry<Channel, Integer> e : users.entrySet()) {
        if (e.getValue() < MAILBOXES_PER_CHANNEL && e.getKey().isOpen()) {
          e.setValue(e.getValue() + 1);
          return e.getKey();
        }
      }
    }
    Set<Integer> avoid;
    synchronized (users) {
      avoid = new HashSet<>(quarantined);
    }
    Channel ch =
        avoid.isEmpty() ? connection.openConsumerChannel() : connection.openConsumerChannel(avoid);
    ch.setDefaultConsumer(new StrayDeliveries(ch));
    ch.addShutdownListener(sig -> closed(ch, sig));
    if (ch instanceof Recoverable) {
      ((Recoverable) ch).addRecoveryListener(new Resurrected(ch));
    }
    try {
      ch.basicQos(prefetch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
    synchronized (users) {
      users.put(ch, 1);
    }
    return ch;
  }

  /** One mailbox left the channel; the last one closes it. */
  void release(Channel ch) {
    boolean last;
    synchronized (users) {
      Integer n = users.get(ch);
      last = n == null || n <= 1;
      if (last) {
        users.remove(ch);
      } else {
        users.put(ch, n - 1);
      }
    }
    if (last) {
      closeQuietly(ch);
    }
  }

  /** The channels open now (for the budget's measurements). */
  int open() {
    List<Channel> all;
    synchronized (users) {
      all = new ArrayList<>(users.keySet());
    }
    return (int) all.stream().filter(Channel::isOpen).count();
  }

  /** On the connection's thread: a channel shut down. */
  private void closed(Channel ch, ShutdownSignalException sig) {
    if (sig.isInitiatedByApplication() || sig.isHardError()) {
      return; // closed by this backend, or the whole connection went (its recovery handles that)
    }
    synchronized (users) {
      users.remove(ch);
      quarantined.addLast(ch.getChannelNumber());
      if (quarantined.size() > QUARANTINED_NUMBERS) {
        quarantined.removeFirst();
      }
    }
    try {
      background.execute(() -> lost.accept(ch, sig));
    } catch (RuntimeException e) {
      log.debug("closing: a lost consumer channel not handled ({})", e.toString());
    }
  }

  /**
   * Takes a delivery for a consumer the channel does not know (without it amqp-client closes the
   * whole connection): one the broker wrote for an earlier channel of the same number. It is left
   * alone: its tag means nothing here, and the broker requeues it with that channel's other
   * unacknowledged deliveries.
   */
  private static final class StrayDeliveries extends DefaultConsumer {
    StrayDeliveries(Channel ch) {
      super(ch);
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
      log.debug(
          "ignored a delivery for unknown consumer {} on consumer channel {}",
          tag,
          getChannel().getChannelNumber());
    }
  }

  /** Closes a channel the broker closed once a connection recovery opened it again. */
  private final class Resurrected implements RecoveryListener {
    private final Channel ch;

    Resurrected(Channel ch) {
      this.ch = ch;
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
      boolean dropped;
      synchronized (users) {
        dropped = !users.containsKey(ch);
      }
      if (dropped) {
        background.execute(() -> closeQuietly(ch));
      }
    }

    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {}
  }

  private static void closeQuietly(Channel ch) {
    try {
      if (ch.isOpen()) {
        ch.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      log.debug("closing a consumer channel failed: {}", e.toString());
    }
  }
}
