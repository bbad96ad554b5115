package dev.reef.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * The Spring AMQP side: the raw side's message shape ({@link RawAmqp#sporeProperties}: 1 KB JSON,
 * persistent, priority 5, 60 s expiry, mandatory, the nine string headers) through Spring AMQP 4.1,
 * configured the way a competent Spring user would:
 *
 * <ul>
 *   <li>publishing: a {@link RabbitTemplate} on a {@link CachingConnectionFactory} with {@code
 *       SIMPLE} publisher confirms and returns; a round runs inside one {@code invoke} (one
 *       channel) and calls {@code waitForConfirmsOrDie} every {@value #CONFIRM_BATCH} messages and
 *       at the end (a plain {@code send} with correlated confirms takes a channel from the cache
 *       per message and is not a fair baseline);
 *   <li>consuming: a {@link DirectMessageListenerContainer} on its own connection, manual acks, the
 *       same prefetch as the other sides, a listener that parses the JSON and acks each message;
 *   <li>request/reply: {@code RabbitTemplate.sendAndReceive} with direct reply-to (Spring's default
 *       when no reply queue is set), on a connection without confirms (the raw side does not
 *       confirm its requests either), to a listener container that parses the request and answers
 *       on the request's {@code reply_to} with its {@code correlation_id}, as the raw responder
 *       does.
 * </ul>
 *
 * The queues are declared like the raw side's (Reef mailbox arguments, a topic exchange).
 */
final class SpringAmqp implements AutoCloseable {
  /** Messages between two {@code waitForConfirmsOrDie} calls. */
  static final int CONFIRM_BATCH = 250;

  private final BenchSettings settings;
  private final CachingConnectionFactory pubFactory;
  private final CachingConnectionFactory subFactory;
  private final CachingConnectionFactory askFactory;
  private final RabbitTemplate template;
  private final RabbitTemplate askTemplate;
  private final DirectMessageListenerContainer consumer;
  private final DirectMessageListenerContainer responder;
  private final AtomicLong returned = new AtomicLong();
  final String exchange;
  final String queue;
  final String rpcQueue;
  private volatile Consumer<Map<String, Object>> onMessage = k -> {};

  SpringAmqp(BenchSettings settings, String runId) throws Exception {
    this.settings = settings;
    this.exchange = "bench." + runId + ".spring";
    this.queue = exchange + ".rx";
    this.rpcQueue = exchange + ".svc";
    try (Connection c = Amqp.connect(settings.uri(), "reef-bench-spring-declare");
        Channel ch = c.createChannel()) {
      ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      Map<String, Object> args = Amqp.mailboxArguments(exchange + ".dlx");
      ch.queueDeclare(queue, true, false, false, args);
      ch.queueBind(queue, exchange, "agent.rx.*");
      ch.queueDeclare(rpcQueue, true, false, false, args);
      ch.queueBind(rpcQueue, exchange, "agent.svc.*");
    }
    pubFactory = factory(settings, "reef-bench-spring-pub");
    pubFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
    pubFactory.setPublisherReturns(true);
    subFactory = factory(settings, "reef-bench-spring-sub");
    askFactory = factory(settings, "reef-bench-spring-ask");
    askFactory.setPublisherReturns(true);

    template = new RabbitTemplate(pubFactory);
    template.setMandatory(true);
    template.setReturnsCallback(r -> returned.incrementAndGet());

    askTemplate = new RabbitTemplate(askFactory);
    askTemplate.setMandatory(true);
    askTemplate.setReplyTimeout(10_000);

    consumer = new DirectMessageListenerContainer(subFactory);
    consumer.setQueueNames(queue);
    consumer.setAcknowledgeMode(AcknowledgeMode.MANUAL);
    consumer.setPrefetchCount(settings.prefetch());
    consumer.setMessageListener(
        (ChannelAwareMessageListener)
            (message, channel) -> {
              onMessage.accept(Payload.parse(message.getBody()));
              channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
            });
    responder = new DirectMessageListenerContainer(subFactory);
    responder.setQueueNames(rpcQueue);
    responder.setAcknowledgeMode(AcknowledgeMode.MANUAL);
    responder.setPrefetchCount(settings.prefetch());
    responder.setMessageListener(
        (ChannelAwareMessageListener)
            (message, channel) -> {
              MessageProperties in = message.getMessageProperties();
              Map<String, Object> request = Payload.parse(message.getBody());
              AMQP.BasicProperties reply =
                  new AMQP.BasicProperties.Builder()
                      .contentType("application/json")
                      .correlationId(in.getCorrelationId())
                      .build();
              channel.basicPublish(
                  "", in.getReplyTo(), reply, Payload.toJson(Map.of("answer", request.get("n"))));
              channel.basicAck(in.getDeliveryTag(), false);
            });
    consumer.start();
    responder.start();
  }

  private static CachingConnectionFactory factory(BenchSettings s, String name) {
    CachingConnectionFactory f = new CachingConnectionFactory(s.uri());
    f.setConnectionNameStrategy(cf -> name);
    f.getRabbitConnectionFactory().setAutomaticRecoveryEnabled(false);
    return f;
  }

  List<String> queues() {
    return List.of(queue, rpcQueue);
  }

  /**
   * The raw side's message ({@link RawAmqp#sporeProperties}) as Spring {@link MessageProperties}.
   */
  static MessageProperties sporeProperties(String type, String to) {
    AMQP.BasicProperties raw = RawAmqp.sporeProperties(type, to, null);
    MessageProperties p = new MessageProperties();
    p.setContentType(raw.getContentType());
    p.setContentEncoding(raw.getContentEncoding());
    p.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    p.setPriority(raw.getPriority());
    p.setMessageId(raw.getMessageId());
    p.setTimestamp(new Date(raw.getTimestamp().getTime()));
    p.setExpiration(raw.getExpiration());
    p.setType(raw.getType());
    raw.getHeaders().forEach(p::setHeader);
    return p;
  }

  /** Publishes one message of the benchmark's shape, confirmed (for the wire-shape test). */
  void publishOne() {
    Boolean ok =
        template.invoke(
            ops -> {
              ops.send(exchange, "agent.rx.knowledge", message(Payload.KNOWLEDGE));
              ops.waitForConfirmsOrDie(30_000);
              return true;
            });
    if (!Boolean.TRUE.equals(ok) || returned.get() > 0) {
      throw new IllegalStateException("spring: the message was returned");
    }
  }

  private static Message message(Map<String, ?> knowledge) {
    return new Message(Payload.toJson(knowledge), sporeProperties("knowledge", "rx"));
  }

  /** One throughput round: n messages, first send to last delivery handled, all confirmed. */
  double throughput(int n) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    onMessage =
        k -> {
          if (received.incrementAndGet() == n) {
            done.countDown();
          }
        };
    long returnedBefore = returned.get();
    long t0 = System.nanoTime();
    template.invoke(
        ops -> {
          for (int i = 1; i <= n; i++) {
            ops.send(exchange, "agent.rx.knowledge", message(Payload.KNOWLEDGE));
            if (i % CONFIRM_BATCH == 0) {
              ops.waitForConfirmsOrDie(60_000);
            }
          }
          ops.waitForConfirmsOrDie(60_000);
          return null;
        });
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new TimeoutException("spring listener got " + received.get() + " of " + n);
    }
    long t1 = System.nanoTime();
    if (returned.get() > returnedBefore) {
      throw new IllegalStateException("spring: " + (returned.get() - returnedBefore) + " returned");
    }
    return n / ((t1 - t0) / 1e9);
  }

  /** Sequential {@code sendAndReceive} round trips by direct reply-to. */
  Latency ask(int calls, int warmup) throws Exception {
    Histogram h = Latency.newHistogram();
    long t0 = 0;
    for (int i = -warmup; i < calls; i++) {
      if (i == 0) {
        t0 = System.nanoTime();
      }
      long start = System.nanoTime();
      Message request =
          new Message(
              Payload.toJson(Map.of("question", "ping", "n", i)),
              sporeProperties("request", "svc"));
      Message reply = askTemplate.sendAndReceive(exchange, "agent.svc.request", request);
      if (reply == null) {
        throw new TimeoutException("spring: no reply within 10 s");
      }
      Payload.parse(reply.getBody());
      if (i >= 0) {
        Latency.record(h, System.nanoTime() - start);
      }
    }
    return Latency.of(h, calls / ((System.nanoTime() - t0) / 1e9));
  }

  @Override
  public void close() {
    try {
      consumer.stop();
      responder.stop();
      consumer.destroy();
      responder.destroy();
      template.destroy();
      askTemplate.destroy();
    } finally {
      pubFactory.destroy();
      subFactory.destroy();
      askFactory.destroy();
    }
  }
}
