package dev.reef.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.Spore;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.internal.MalformedWireException;
import dev.reef.amqp.internal.SporeWireMapper;
import dev.reef.amqp.internal.TapQueues;
import dev.reef.codec.SporeCodec;
import dev.reef.spi.support.DaemonThreads;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taps a channel's traffic on RabbitMQ without taking a spore from the agents, as the CLI's {@code
 * tail} does: a server-named, exclusive, auto-delete queue of its own, bounded ({@value
 * #MAX_BACKLOG} messages, oldest dropped), bound to the channel's exchange with {@code broadcast.#}
 * and {@code agent.<name>.#} for each agent the directory knows (never {@code #}: that would make
 * every directed spore routable, and senders to unknown agents would get no {@code
 * UnknownAgentException}). Each message is read with the backend's own wire mapper (both header
 * layouts) and added to a {@link FlowTail}.
 */
final class FlowTap implements AutoCloseable {
  /** The tap queue's bound: {@value} messages, the oldest dropped beyond. */
  static final int MAX_BACKLOG = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(FlowTap.class);
  private static final long MAX_BODY = SporeCodec.maxBodyBytes(Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);

  private final FlowTail tail;

  /** The backend's own reader of both header layouts (reused, not duplicated). */
  private final SporeWireMapper wire = new SporeWireMapper();

  private final ObjectMapper json;
  private final Connection connection;
  private final Channel channel;
  private final String exchange;
  private final String queue;
  private final Set<String> bound = ConcurrentHashMap.newKeySet();
  private final ExecutorService binder =
      Executors.newSingleThreadExecutor(DaemonThreads.named("reef-console-tap-bind"));

  private FlowTap(
      FlowTail tail,
      ObjectMapper json,
      Connection connection,
      Channel channel,
      String exchange,
      String queue) {
    this.tail = tail;
    this.json = json;
    this.connection = connection;
    this.channel = channel;
    this.exchange = exchange;
    this.queue = queue;
  }

  /**
   * Opens a tap on a channel.
   *
   * @param uri the broker URI
   * @param reefChannel the Reef channel
   * @param tail where the spores go
   * @param json the mapper for excerpts
   * @return the open tap, consuming
   * @throws IOException if the broker refused
   */
  static FlowTap open(String uri, String reefChannel, FlowTail tail, ObjectMapper json)
      throws IOException {
    String exchange = AmqpBackend.builder().uri(uri).build().exchangeFor(reefChannel);
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(uri);
    } catch (URISyntaxException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid broker URI: " + Texts.displayUri(uri), e);
    }
    f.setAutomaticRecoveryEnabled(true);
    Connection connection;
    try {
      connection = f.newConnection("reef-console-tap-" + reefChannel);
    } catch (TimeoutException e) {
      throw new IOException("cannot connect to " + Texts.displayUri(uri), e);
    }
    try {
      Channel ch = connection.createChannel();
      // The tap shared with reef-cli tail: the backend's exchange declaration, a bounded queue.
      String queue = TapQueues.declare(ch, exchange, MAX_BACKLOG);
      FlowTap tap = new FlowTap(tail, json, connection, ch, exchange, queue);
      ch.basicQos(500);
      // Manual acknowledgements with a prefetch: at most 500 messages in this process at once.
      ch.basicConsume(queue, false, tap.new TapConsumer(ch));
      return tap;
    } catch (IOException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** Binds {@code agent.<name>.#} once, off the caller's thread. */
  void follow(String agent) {
    if (bound.add(agent)) {
      binder.execute(
          () -> {
            try {
              channel.queueBind(queue, exchange, TapQueues.agentKey(agent));
            } catch (IOException | RuntimeException e) {
              bound.remove(agent);
              LOG.warn("flow tap: cannot bind agent {}: {}", agent, e.toString());
            }
          });
    }
  }

  /** How many agents the tap follows. */
  int followed() {
    return bound.size();
  }

  private void onMessage(String routingKey, AMQP.BasicProperties props, byte[] body) {
    long now = System.currentTimeMillis();
    try {
      Spore s = wire.read(routingKey, props, body, MAX_BODY);
      String to = s.toAgent() == null || s.toAgent().isEmpty() ? "*" : s.toAgent();
      tail.add(
          new FlowRow(
              0,
              now,
              s.id(),
              s.type().wireName(),
              s.fromAgent(),
              to,
              s.priority(),
              body.length,
              s.createdAt().toEpochMilli(),
              excerpt(s)));
    } catch (MalformedWireException | RuntimeException e) {
      Object from = props.getHeaders() == null ? null : props.getHeaders().get("from_agent");
      tail.add(
          new FlowRow(
              0,
              now,
              props.getMessageId() == null ? "?" : props.getMessageId(),
              "malformed",
              from == null ? "?" : Texts.truncate(from.toString(), 128),
              "?",
              0,
              body.length,
              0,
              Texts.truncate(new String(body, StandardCharsets.UTF_8), FlowRow.EXCERPT_CHARS)));
    }
  }

  private String excerpt(Spore s) {
    if (s.knowledge() == null) {
      return "";
    }
    try {
      return Texts.truncate(json.writeValueAsString(s.knowledge()), FlowRow.EXCERPT_CHARS);
    } catch (JsonProcessingException e) {
      return "(unprintable)";
    }
  }

  @Override
  public void close() {
    binder.shutdownNow();
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("flow tap: close: {}", e.toString());
    }
  }

  private final class TapConsumer extends DefaultConsumer {
    TapConsumer(Channel ch) {
      super(ch);
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws IOException {
      onMessage(envelope.getRoutingKey(), props, body == null ? new byte[0] : body);
      getChannel().basicAck(envelope.getDeliveryTag(), false);
    }
  }
}
