package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels the mailbox consumers share on the consumers' connection: up to {@link
 * #MAILBOXES_PER_CHANNEL} consumers on each (issue 13, item 7: one channel per mailbox capped a
 * process at the broker's channel_max, ~2,044 mailboxes, and cost two more broker calls per
 * subscribe). Each channel's {@code basic.qos} is per consumer ({@code global=false}), so every
 * mailbox keeps its own prefetch. A channel is closed when its last mailbox leaves; one that a
 * channel error closed is no longer handed out. No lock is held during a broker call. Thread-safe.
 */
final class ConsumerChannels {
  private static final Logger log = LoggerFactory.getLogger(ConsumerChannels.class);

  /** How many mailbox consumers share one channel: {@value}. */
  static final int MAILBOXES_PER_CHANNEL = 32;

  private final AmqpConnection connection;
  private final int prefetch;

  /** Mailboxes on each open channel. Guarded by itself. */
  private final Map<Channel, Integer> users = new IdentityHashMap<>();

  ConsumerChannels(AmqpConnection connection, int prefetch) {
    this.connection = connection;
    this.prefetch = prefetch;
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
    Channel ch = connection.openConsumerChannel();
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
