package dev.reef.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw amqp-client doing what {@link ScaleCurves} asks of Reef, in the same topology shape: a
 * durable topic exchange per channel, a durable queue per agent with a Reef mailbox's arguments
 * ({@link Amqp#mailboxArguments}), bound with {@code agent.<agent>.*} and {@code broadcast.*}; one
 * publishing channel with asynchronous confirms (window 1,000, as a Reef backend's), persistent,
 * mandatory messages with the spore's properties ({@link RawAmqp#sporeProperties}); consumers with
 * manual acks and prefetch 250 (Reef's default), 32 queues sharing a consumer channel (as Reef's
 * mailboxes do), each delivery parsed as JSON and acknowledged.
 */
final class RawShape implements AutoCloseable {
  /** Queues per consumer channel, as Reef's {@code ConsumerChannels} shares them. */
  static final int QUEUES_PER_CHANNEL = 32;

  private static final int PREFETCH = 250;
  private static final int CONFIRM_WINDOW = 1000;

  private final Connection pub;
  private final Connection sub;
  private final Channel publisher;
  private final ConfirmWindow window;
  private final List<String> exchanges = new ArrayList<>();
  private final int agents;
  private final boolean quorum;

  /** Deliveries handled by this shape's consumers since it was created. */
  final AtomicLong handled = new AtomicLong();

  /**
   * Declares the shape and starts its consumers.
   *
   * @param uri the broker
   * @param base the shape's name prefix; exchanges {@code base.c<k>}, queues {@code base.c<k>.a<i>}
   * @param channels the number of exchanges
   * @param agents queues per exchange
   * @param quorum quorum queues ({@code x-queue-type: quorum}, no priority) instead of classic
   * @param declaredQueues collects the queue names, to delete at the end of the run
   * @param declaredExchanges collects the exchange names, to delete at the end of the run
   * @param pool threads to declare the queues on (1,000 declarations take ~16 s on one thread)
   */
  RawShape(
      URI uri,
      String base,
      int channels,
      int agents,
      boolean quorum,
      List<String> declaredQueues,
      List<String> declaredExchanges,
      ExecutorService pool)
      throws Exception {
    this.agents = agents;
    this.quorum = quorum;
    this.pub = Amqp.connect(uri, "scale-raw-pub");
    this.sub = Amqp.connect(uri, "scale-raw-sub");
    this.publisher = pub.createChannel();
    this.window = new ConfirmWindow(publisher, CONFIRM_WINDOW);
    List<String> queues = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      String x = base + ".c" + c;
      exchanges.add(x);
      declaredExchanges.add(x);
      publisher.exchangeDeclare(x, BuiltinExchangeType.TOPIC, true);
      for (int a = 0; a < agents; a++) {
        queues.add(x + ".a" + a);
      }
    }
    declaredQueues.addAll(queues);
    List<Future<?>> done = new ArrayList<>();
    int per = Math.max(1, (queues.size() + 15) / 16);
    for (int i = 0; i < queues.size(); i += per) {
      List<String> part = queues.subList(i, Math.min(queues.size(), i + per));
      done.add(pool.submit(() -> declare(part)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    Channel consumerChannel = null;
    for (int i = 0; i < queues.size(); i++) {
      if (i % QUEUES_PER_CHANNEL == 0) {
        consumerChannel = sub.createChannel();
        consumerChannel.basicQos(PREFETCH);
      }
      consumerChannel.basicConsume(queues.get(i), false, consumer(consumerChannel));
    }
  }

  private Void declare(List<String> queues) throws Exception {
    try (Channel ch = pub.createChannel()) {
      for (String q : queues) {
        String x = q.substring(0, q.lastIndexOf(".a"));
        String agent = q.substring(q.lastIndexOf('.') + 1);
        Map<String, Object> args =
            quorum
                ? Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", x + ".dlx")
                : Amqp.mailboxArguments(x + ".dlx");
        ch.queueDeclare(q, true, false, false, args);
        ch.queueBind(q, x, "agent." + agent + ".*");
        ch.queueBind(q, x, "broadcast.*");
      }
    }
    return null;
  }

  private DefaultConsumer consumer(Channel ch) {
    return new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
          throws IOException {
        Payload.parse(body);
        getChannel().basicAck(env.getDeliveryTag(), false);
        handled.incrementAndGet();
      }
    };
  }

  /** Publishes the i-th directed message, round-robin over the exchanges, then the agents. */
  void send(int i) throws Exception {
    int c = i % exchanges.size();
    int a = (i / exchanges.size()) % agents;
    publish(exchanges.get(c), "agent.a" + a + ".knowledge", "a" + a, i);
  }

  /** Publishes the i-th broadcast to every queue of the first exchange. */
  void broadcast(int i) throws Exception {
    publish(exchanges.get(0), "broadcast.knowledge", "", i);
  }

  private void publish(String exchange, String routingKey, String to, int i) throws Exception {
    window.beforePublish();
    publisher.basicPublish(
        exchange,
        routingKey,
        true,
        RawAmqp.sporeProperties("knowledge", to, null),
        Payload.toJson(Map.of("i", i)));
  }

  /** Waits until every publish so far is confirmed; fails on a nack or a returned message. */
  void awaitConfirms() throws Exception {
    window.awaitAll(60);
    if (window.nacked.get() + window.returned.get() > 0) {
      throw new IllegalStateException(
          "raw: " + window.nacked.get() + " nacked, " + window.returned.get() + " returned");
    }
  }

  @Override
  public void close() {
    for (Connection c : List.of(pub, sub)) {
      try {
        c.close();
      } catch (Exception e) {
        // closing
      }
    }
  }
}
