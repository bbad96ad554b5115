package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.DeadLetterRecord;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.Spore;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.support.DeadLetterHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeadLetterStore} of an {@link AmqpBackend}: the channel's dead-letter queue ({@code
 * reef-dlq.<channel>}, or the shared one, where a channel's dead letters are told apart by their
 * {@code x-reef-channel}, {@code x-reef-queue} or {@code x-death} queue).
 *
 * <p>Each call works on a channel of its own: it reads the queue with {@code basic.get} without
 * acknowledging, at most as many messages as the queue held when the call began, and closing that
 * channel returns every message it did not remove to the queue (the broker marks them redelivered).
 * A replay publishes the copy (mandatory, confirmed) before it acknowledges the dead letter, so a
 * failure at any point leaves the dead letter in place. Thread-safe.
 */
final class AmqpDeadLetters implements DeadLetterStore {
  private static final Logger log = LoggerFactory.getLogger(AmqpDeadLetters.class);

  /** How long a replay waits for the broker to confirm a copy: {@value} ms. */
  private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;

  /** Opens a channel on the backend's connection. */
  interface Channels {
    Channel open() throws IOException;
  }

  /** Declares a channel's dead-letter exchange and queue if needed. */
  interface Declarer {
    void ensure(String channel);
  }

  private final AmqpSettings settings;
  private final AmqpSporeMapper mapper;
  private final Channels channels;
  private final Declarer declarer;

  AmqpDeadLetters(
      AmqpSettings settings, AmqpSporeMapper mapper, Channels channels, Declarer declarer) {
    this.settings = settings;
    this.mapper = mapper;
    this.channels = channels;
    this.declarer = declarer;
  }

  @Override
  public List<DeadLetterRecord> list(String channel, int max) {
    List<DeadLetterRecord> out = new ArrayList<>();
    scan(
        channel,
        (ch, r, record) -> {
          out.add(record);
          return out.size() < max;
        });
    return out;
  }

  @Override
  public long count(String channel) {
    if (!settings.sharedDeadLetters()) {
      String queue = queueOf(channel);
      return withChannel(channel, ch -> ch.queueDeclarePassive(queue).getMessageCount());
    }
    long[] n = {0};
    scan(
        channel,
        (ch, r, record) -> {
          n[0]++;
          return true;
        });
    return n[0];
  }

  @Override
  public int replay(String channel, String id) {
    int[] n = {0};
    scan(
        channel,
        (ch, r, record) -> {
          if (id != null && !id.equals(record.id())) {
            return true;
          }
          sendBack(ch, channel, r, record);
          ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
          n[0]++;
          return id == null;
        });
    return n[0];
  }

  @Override
  public long purge(String channel) {
    if (!settings.sharedDeadLetters()) {
      String queue = queueOf(channel);
      return withChannel(channel, ch -> ch.queuePurge(queue).getMessageCount());
    }
    long[] n = {0};
    scan(
        channel,
        (ch, r, record) -> {
          ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
          n[0]++;
          return true;
        });
    return n[0];
  }

  /** Publishes the replayed copy along the dead letter's first route and waits for the confirm. */
  private void sendBack(Channel ch, String channel, GetResponse r, DeadLetterRecord record)
      throws IOException {
    Map<String, Object> headers = r.getProps().getHeaders();
    String exchange;
    String routingKey;
    String queue = deadQueueOf(headers);
    boolean undirected = record.spore() == null || !record.spore().isDirected();
    if (undirected && queue != null) {
      exchange = ""; // straight into the mailbox it was dead-lettered from
      routingKey = queue;
    } else {
      exchange = text(headers, DeadLetterHeaders.EXCHANGE);
      routingKey = text(headers, DeadLetterHeaders.ROUTING_KEY);
      if (exchange == null || routingKey == null) {
        // Expired by the broker out of a mailbox: a retry copy still names its first route.
        exchange = text(headers, DeadLetterHeaders.ORIGINAL_EXCHANGE);
        routingKey = text(headers, DeadLetterHeaders.ORIGINAL_ROUTING_KEY);
      }
      if (exchange == null || routingKey == null) {
        exchange = "";
        routingKey = queue;
      }
    }
    if (routingKey == null) {
      throw new ReefException(
          "dead letter " + record.id() + " on '" + channel + "' names no route to replay it on");
    }
    AMQP.BasicProperties props =
        mapper
            .users()
            .republished(
                r.getProps().builder().headers(DeadLetterHeaders.replayed(headers)).build());
    AtomicBoolean returned = new AtomicBoolean();
    ch.addReturnListener(ret -> returned.set(true));
    ch.basicPublish(exchange, routingKey, true, props, r.getBody());
    try {
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while replaying " + record.id(), e);
    } catch (TimeoutException e) {
      throw new ReefException("the broker did not confirm the replay of " + record.id(), e);
    }
    ch.clearReturnListeners();
    if (returned.get()) {
      throw new ReefException(
          "replaying "
              + record.id()
              + " on '"
              + channel
              + "': no mailbox took it ("
              + (exchange.isEmpty() ? "queue " + routingKey : exchange + " / " + routingKey)
              + "); it stays a dead letter");
    }
    log.info(
        "replayed dead letter {} of '{}' to {} / {}", record.id(), channel, exchange, routingKey);
  }

  /** What to do with one dead letter of the channel; false stops the scan. */
  private interface Visitor {
    boolean visit(Channel ch, GetResponse r, DeadLetterRecord record) throws IOException;
  }

  private interface Call<T> {
    T call(Channel ch) throws IOException;
  }

  /** Reads the dead letters present when it began, oldest first, each once; returns the rest. */
  private void scan(String channel, Visitor visitor) {
    String queue = queueOf(channel);
    withChannel(
        channel,
        ch -> {
          ch.confirmSelect();
          long depth = ch.queueDeclarePassive(queue).getMessageCount();
          for (long i = 0; i < depth; i++) {
            GetResponse r = ch.basicGet(queue, false);
            if (r == null) {
              break;
            }
            if (belongs(channel, r.getProps().getHeaders())
                && !visitor.visit(ch, r, record(channel, r))) {
              break;
            }
          }
          return null;
        });
  }

  /** Runs a call on a new channel and closes it, which returns what was not acknowledged. */
  private <T> T withChannel(String channel, Call<T> call) {
    ReefNames.requireChannel(channel);
    declarer.ensure(channel);
    Channel ch = null;
    try {
      ch = channels.open();
      return call.call(ch);
    } catch (IOException e) {
      throw new ReefException(
          "cannot read the dead letters of '" + channel + "' in " + queueOf(channel) + ": " + e, e);
    } finally {
      if (ch != null) {
        try {
          if (ch.isOpen()) {
            ch.close();
          }
        } catch (IOException | TimeoutException | RuntimeException e) {
          log.debug("closing the dead-letter channel failed: {}", e.toString());
        }
      }
    }
  }

  private String queueOf(String channel) {
    return settings.deadLetterQueueFor(channel);
  }

  /** Whether a dead letter of the (shared) queue belongs to the channel. */
  private boolean belongs(String channel, Map<String, Object> headers) {
    if (!settings.sharedDeadLetters()) {
      return true;
    }
    String named = text(headers, DeadLetterHeaders.CHANNEL);
    if (named != null) {
      return named.equals(channel);
    }
    String queue = deadQueueOf(headers);
    if (queue != null) {
      return queue.startsWith(AmqpBackend.NAME_PREFIX + channel + ".");
    }
    return settings.exchangeFor(channel).equals(text(headers, DeadLetterHeaders.EXCHANGE));
  }

  private DeadLetterRecord record(String channel, GetResponse r) {
    AMQP.BasicProperties props = r.getProps();
    Map<String, Object> headers = props.getHeaders();
    String routingKey = text(headers, DeadLetterHeaders.ROUTING_KEY);
    Spore spore;
    try {
      AMQP.BasicProperties live =
          props.builder().headers(DeadLetterHeaders.replayed(headers)).build();
      spore =
          mapper.decode(
              routingKey != null ? routingKey : r.getEnvelope().getRoutingKey(),
              live,
              r.getBody(),
              settings.maxBodyBytes());
    } catch (MalformedMessageException | RuntimeException e) {
      spore = null;
    }
    String id = spore != null ? spore.id() : props.getMessageId();
    String queue = deadQueueOf(headers);
    String prefix = AmqpBackend.NAME_PREFIX + channel + ".";
    String agent =
        queue != null && queue.startsWith(prefix) ? queue.substring(prefix.length()) : null;
    String reason = text(headers, DeadLetterHeaders.REASON);
    if (reason == null) {
      String broker = text(headers, "x-first-death-reason");
      reason =
          broker == null
              ? "unknown"
              : DeadLetterReason.fromWireName(broker)
                  .map(DeadLetterReason::wireName)
                  .orElse(broker);
    }
    String error = text(headers, DeadLetterHeaders.ERROR);
    Object attempts = headers == null ? null : headers.get(DeadLetterHeaders.ATTEMPTS);
    return new DeadLetterRecord(
        id == null ? "delivery-" + r.getEnvelope().getDeliveryTag() : id,
        channel,
        agent,
        spore,
        reason,
        error == null || error.isEmpty() ? null : error,
        attempts instanceof Number ? ((Number) attempts).intValue() : 0);
  }

  /** The mailbox queue a dead letter came from: Reef's header, or the broker's. */
  private static String deadQueueOf(Map<String, Object> headers) {
    String queue = text(headers, DeadLetterHeaders.QUEUE);
    return queue != null ? queue : text(headers, "x-first-death-queue");
  }

  private static String text(Map<String, Object> headers, String name) {
    Object v = headers == null ? null : headers.get(name);
    return v == null ? null : v.toString();
  }
}
