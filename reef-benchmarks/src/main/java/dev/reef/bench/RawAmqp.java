package dev.reef.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The baseline: a hand-written amqp-client program moving the spore's shape. The publisher
 * serializes the knowledge with Jackson and publishes it persistent, mandatory, with priority,
 * expiration and nine string headers (the Praval core set), under asynchronous confirms with a
 * bounded window; the consumer uses manual acks with a prefetch, parses the JSON and acks each
 * message. The queue has the arguments of a Reef mailbox and is bound to a topic exchange, so the
 * broker does the same work for both sides.
 */
final class RawAmqp implements AutoCloseable {
  static final String EXPIRATION_MS = "60000";
  private static final String REPLY_TO = "amq.rabbitmq.reply-to";

  private final BenchSettings settings;
  private final Connection pubConn;
  private final Connection subConn;
  final String exchange;
  final String queue;
  final String minimalQueue;
  final String rpcQueue;
  final String cliQueue;

  RawAmqp(BenchSettings settings, String runId) throws Exception {
    this.settings = settings;
    this.pubConn = Amqp.connect(settings.uri(), "reef-bench-raw-pub");
    this.subConn = Amqp.connect(settings.uri(), "reef-bench-raw-sub");
    this.exchange = "bench." + runId + ".raw";
    this.queue = exchange + ".rx";
    this.minimalQueue = exchange + ".rxmin";
    this.rpcQueue = exchange + ".svc";
    this.cliQueue = exchange + ".cli";
    try (Channel ch = pubConn.createChannel()) {
      ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      Map<String, Object> args = Amqp.mailboxArguments(exchange + ".dlx");
      ch.queueDeclare(queue, true, false, false, args);
      ch.queueBind(queue, exchange, "agent.rx.*");
      ch.queueDeclare(minimalQueue, true, false, false, null);
      ch.queueBind(minimalQueue, exchange, "agent.rxmin.*");
      ch.queueDeclare(rpcQueue, true, false, false, args);
      ch.queueBind(rpcQueue, exchange, "agent.svc.*");
      ch.queueDeclare(cliQueue, true, false, false, args);
      ch.queueBind(cliQueue, exchange, "agent.cli.*");
    }
  }

  List<String> queues() {
    return List.of(queue, minimalQueue, rpcQueue, cliQueue);
  }

  /** The properties of one spore-shaped message, built fresh as a real program would. */
  static AMQP.BasicProperties sporeProperties(String type, String to, String replyTo) {
    String id = Amqp.newId();
    Instant now = Instant.now();
    Map<String, Object> headers = new HashMap<>(16);
    headers.put("spore_id", id);
    headers.put("spore_type", type);
    headers.put("from_agent", "tx");
    headers.put("to_agent", to);
    headers.put("created_at", now.toString());
    headers.put("expires_at", now.plusMillis(Long.parseLong(EXPIRATION_MS)).toString());
    headers.put("priority", "5");
    headers.put("reply_to", "");
    headers.put("version", "1.0");
    return new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("utf-8")
        .deliveryMode(2)
        .priority(5)
        .messageId(id)
        .timestamp(new Date(now.toEpochMilli()))
        .expiration(EXPIRATION_MS)
        .type(type)
        .replyTo(replyTo)
        .headers(headers)
        .build();
  }

  private static final AMQP.BasicProperties MINIMAL =
      new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();

  /** A consumer that parses each body, acks it and hands it on. */
  private interface BodyHandler {
    void handle(Map<String, Object> knowledge);
  }

  private static DefaultConsumer consumer(Channel ch, BodyHandler handler) {
    return new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
          throws IOException {
        handler.handle(Payload.parse(body));
        getChannel().basicAck(env.getDeliveryTag(), false);
      }
    };
  }

  /** The message and queue shapes of a throughput round. */
  enum Shape {
    /** The spore's shape: properties, nine headers, a mailbox-shaped queue. */
    SAME,
    /** The same properties and queue without the nine headers: what the headers cost. */
    NO_HEADERS,
    /** Context: no headers, expiry or priority, a plain queue. */
    MINIMAL
  }

  /** The spore's properties without any header (the {@link Shape#NO_HEADERS} rounds). */
  static AMQP.BasicProperties withoutHeaders(AMQP.BasicProperties props) {
    return props.builder().headers(null).build();
  }

  /**
   * One throughput round: n messages from one publisher to one consumer.
   *
   * @param shape the message and queue shape
   * @return messages per second, first publish to last delivery (all confirmed)
   */
  double throughput(int n, Shape shape) throws Exception {
    boolean minimal = shape == Shape.MINIMAL;
    String q = minimal ? minimalQueue : queue;
    String rk = minimal ? "agent.rxmin.knowledge" : "agent.rx.knowledge";
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    Channel cons = subConn.createChannel();
    Channel pub = pubConn.createChannel();
    try {
      cons.basicQos(settings.prefetch());
      cons.basicConsume(
          q,
          false,
          consumer(
              cons,
              k -> {
                if (received.incrementAndGet() == n) {
                  done.countDown();
                }
              }));
      ConfirmWindow window = new ConfirmWindow(pub, settings.confirmWindow());
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        window.beforePublish();
        AMQP.BasicProperties props =
            switch (shape) {
              case SAME -> sporeProperties("knowledge", "rx", null);
              case NO_HEADERS -> withoutHeaders(sporeProperties("knowledge", "rx", null));
              case MINIMAL -> MINIMAL;
            };
        pub.basicPublish(exchange, rk, true, props, Payload.toJson(Payload.KNOWLEDGE));
      }
      window.awaitAll(60);
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("raw consumer got " + received.get() + " of " + n);
      }
      long t1 = System.nanoTime();
      if (window.nacked.get() + window.returned.get() > 0) {
        throw new IllegalStateException(
            "raw: " + window.nacked.get() + " nacked, " + window.returned.get() + " returned");
      }
      return n / ((t1 - t0) / 1e9);
    } finally {
      pub.close();
      cons.close();
    }
  }

  /**
   * Publishes one message of a throughput round's shape, mandatory, and waits for its confirm (for
   * the wire-shape test).
   */
  void publishOne(Shape shape) throws Exception {
    try (Channel pub = pubConn.createChannel()) {
      pub.confirmSelect();
      AtomicInteger returns = new AtomicInteger();
      pub.addReturnListener(r -> returns.incrementAndGet());
      AMQP.BasicProperties props =
          shape == Shape.NO_HEADERS
              ? withoutHeaders(sporeProperties("knowledge", "rx", null))
              : sporeProperties("knowledge", "rx", null);
      pub.basicPublish(
          exchange, "agent.rx.knowledge", true, props, Payload.toJson(Payload.KNOWLEDGE));
      pub.waitForConfirmsOrDie(30_000);
      if (returns.get() > 0) {
        throw new IllegalStateException("raw: the message was returned");
      }
    }
  }

  /** End-to-end latency at a fixed rate, publish call to consumer callback, confirms on. */
  Latency latency(int rate, int seconds) throws Exception {
    int n = rate * seconds;
    AtomicLongArray sentAt = new AtomicLongArray(n);
    Histogram h = Latency.newHistogram();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    Channel cons = subConn.createChannel();
    Channel pub = pubConn.createChannel();
    try {
      cons.basicQos(settings.prefetch());
      cons.basicConsume(
          queue,
          false,
          consumer(
              cons,
              k -> {
                long now = System.nanoTime();
                int seq = ((Number) k.get("seq")).intValue();
                Latency.record(h, now - sentAt.get(seq));
                if (received.incrementAndGet() == n) {
                  done.countDown();
                }
              }));
      ConfirmWindow window = new ConfirmWindow(pub, settings.confirmWindow());
      Pacer pacer = new Pacer(rate);
      for (int i = 0; i < n; i++) {
        pacer.awaitSlot(i);
        window.beforePublish();
        AMQP.BasicProperties props = sporeProperties("knowledge", "rx", null);
        byte[] body = Payload.toJson(Payload.withSeq(i));
        sentAt.set(i, System.nanoTime());
        pub.basicPublish(exchange, "agent.rx.knowledge", true, props, body);
      }
      window.awaitAll(60);
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("raw consumer got " + received.get() + " of " + n);
      }
      return Latency.of(h, rate);
    } finally {
      pub.close();
      cons.close();
    }
  }

  /**
   * Sequential request/reply. The request has the spore shape (persistent, headers, expiry) and
   * goes through the topic exchange to a mailbox-shaped queue; the server parses it and replies.
   *
   * @param viaMailbox false: the reply goes through the default exchange to {@code
   *     amq.rabbitmq.reply-to} (direct reply-to, no queue); true: the reply has the spore shape too
   *     and goes, persistent and confirmed, through the topic exchange to the client's own
   *     mailbox-shaped queue, which is the path a Reef response takes
   */
  Latency rpc(int calls, int warmup, boolean viaMailbox) throws Exception {
    Channel server = subConn.createChannel();
    Channel client = pubConn.createChannel();
    try {
      if (viaMailbox) {
        server.confirmSelect();
      }
      server.basicQos(settings.prefetch());
      server.basicConsume(
          rpcQueue,
          false,
          new DefaultConsumer(server) {
            @Override
            public void handleDelivery(
                String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              Map<String, Object> request = Payload.parse(body);
              byte[] answer = Payload.toJson(Map.of("answer", request.get("n")));
              if (viaMailbox) {
                AMQP.BasicProperties reply =
                    sporeProperties("response", "cli", null)
                        .builder()
                        .correlationId(props.getMessageId())
                        .build();
                getChannel().basicPublish(exchange, "agent.cli.response", true, reply, answer);
              } else {
                AMQP.BasicProperties reply =
                    new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .correlationId(props.getMessageId())
                        .build();
                getChannel().basicPublish("", props.getReplyTo(), reply, answer);
              }
              getChannel().basicAck(env.getDeliveryTag(), false);
            }
          });
      AtomicReference<CompletableFuture<Map<String, Object>>> pending = new AtomicReference<>();
      AtomicReference<String> expected = new AtomicReference<>();
      if (viaMailbox) {
        client.basicQos(settings.prefetch());
      }
      client.basicConsume(
          viaMailbox ? cliQueue : REPLY_TO,
          !viaMailbox,
          new DefaultConsumer(client) {
            @Override
            public void handleDelivery(
                String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              if (viaMailbox) {
                getChannel().basicAck(env.getDeliveryTag(), false);
              }
              if (props.getCorrelationId().equals(expected.get())) {
                pending.get().complete(Payload.parse(body));
              }
            }
          });
      Histogram h = Latency.newHistogram();
      long t0 = 0;
      for (int i = -warmup; i < calls; i++) {
        if (i == 0) {
          t0 = System.nanoTime();
        }
        long start = System.nanoTime();
        AMQP.BasicProperties props =
            sporeProperties("request", "svc", viaMailbox ? null : REPLY_TO);
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        expected.set(props.getMessageId());
        pending.set(f);
        client.basicPublish(
            exchange,
            "agent.svc.request",
            true,
            props,
            Payload.toJson(Map.of("question", "ping", "n", i)));
        f.get(10, TimeUnit.SECONDS);
        if (i >= 0) {
          Latency.record(h, System.nanoTime() - start);
        }
      }
      double perSecond = calls / ((System.nanoTime() - t0) / 1e9);
      return Latency.of(h, perSecond);
    } finally {
      client.close();
      server.close();
    }
  }

  @Override
  public void close() {
    try {
      pubConn.close();
    } catch (Exception e) {
      // closing
    }
    try {
      subConn.close();
    } catch (Exception e) {
      // closing
    }
  }
}
