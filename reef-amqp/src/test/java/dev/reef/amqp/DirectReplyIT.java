package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefException;
import dev.reef.RequestTimeoutException;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TcpProxy;
import dev.reef.amqp.test.TestBroker;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Asks answered by RabbitMQ's direct reply-to on a real broker: both ends of the path, the fallback
 * through the asker's mailbox, and what a lost connection does to open asks. Each reef has its own
 * backend and connection, as separate processes would.
 */
@ExtendWith(RabbitMqBroker.class)
class DirectReplyIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final List<Reef> reefs = new ArrayList<>();
  private TestBroker broker;
  private String channel;
  private String dlx;
  private String dlq;

  @BeforeEach
  void names(TestBroker broker) {
    this.broker = broker;
    channel = TestBroker.unique("direct");
    broker.deleteExchangeAfter("reef." + channel);
    dlx = broker.deleteExchangeAfter(TestBroker.unique("reef.dlx"));
    dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead"));
  }

  @AfterEach
  void closeReefs() {
    for (Reef r : reefs) {
      r.close(Duration.ofSeconds(2));
    }
  }

  private ReefChannel reef(Consumer<AmqpBackend.Builder> custom) {
    AmqpBackend.Builder b =
        AmqpBackend.builder().uri(broker.uri()).deadLetterExchange(dlx).deadLetterQueue(dlq);
    custom.accept(b);
    Reef reef = Reef.create(b.build());
    reefs.add(reef);
    return reef.channel(channel);
  }

  private ReefChannel reef() {
    return reef(b -> {});
  }

  /** A raw queue that receives a copy of what the channel's exchange routes with {@code key}. */
  private String spy(String key) throws Exception {
    String q = broker.deleteQueueAfter(TestBroker.unique("spy"));
    try (Channel ch = broker.connection().createChannel()) {
      ch.exchangeDeclare("reef." + channel, "topic", true);
      ch.queueDeclare(q, false, false, false, null);
      ch.queueBind(q, "reef." + channel, key);
    }
    return q;
  }

  private String mailboxOf(String agent) {
    return broker.deleteQueueAfter("reef." + channel + "." + agent);
  }

  @Test
  void anAskIsAnsweredStraightBackWithoutTouchingTheAskersMailbox() throws Exception {
    ReefChannel asker = reef();
    ReefChannel responder = reef();
    mailboxOf("alice");
    mailboxOf("bob");
    String requests = spy("agent.bob.*");
    String responses = spy("agent.alice.*");
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("answer", 42)));

    Spore answer = asker.ask("alice", "bob", Map.of("q", "?"), WAIT).get(15, TimeUnit.SECONDS);

    assertThat(answer.knowledge()).isEqualTo(Map.of("answer", 42));
    assertThat(answer.replyTo()).isNotNull();
    GetResponse request = broker.get(requests, WAIT);
    assertThat(request.getProps().getReplyTo()).startsWith("amq.rabbitmq.reply-to.");
    assertThat(request.getProps().getDeliveryMode()).as("a direct ask's request").isEqualTo(1);
    assertThat(broker.messageCount(responses))
        .as("the response never went through the channel's exchange")
        .isZero();
    await()
        .atMost(WAIT)
        .until(() -> reefs.get(0).stats().agent(channel, "alice", SporeEvent.HANDLED) == 1);
  }

  @Test
  void withDirectRepliesOffTheResponseTravelsThroughTheAskersMailbox() throws Exception {
    ReefChannel asker = reef(b -> b.directReplies(false));
    ReefChannel responder = reef();
    mailboxOf("alice");
    mailboxOf("bob");
    String requests = spy("agent.bob.*");
    String responses = spy("agent.alice.*");
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("answer", 42)));

    Spore answer = asker.ask("alice", "bob", null, WAIT).get(15, TimeUnit.SECONDS);

    assertThat(answer.knowledge()).isEqualTo(Map.of("answer", 42));
    GetResponse request = broker.get(requests, WAIT);
    assertThat(request.getProps().getReplyTo()).isNull();
    assertThat(request.getProps().getDeliveryMode()).isEqualTo(2);
    GetResponse response = broker.get(responses, WAIT);
    assertThat(response.getProps().getCorrelationId()).isEqualTo(answer.replyTo());
    assertThat(response.getProps().getDeliveryMode()).isEqualTo(2);
  }

  @Test
  void aResponseSentByAnotherProcessFallsBackToTheAskersMailbox() throws Exception {
    ReefChannel asker = reef();
    ReefChannel receiver = reef();
    ReefChannel other = reef();
    mailboxOf("alice");
    mailboxOf("bob");
    String responses = spy("agent.alice.*");
    // bob's process hands the request to another process, which answers it.
    receiver.subscribe("bob", s -> other.reply(s, "bob", Map.of("from", "other")));

    Spore answer = asker.ask("alice", "bob", null, WAIT).get(15, TimeUnit.SECONDS);

    assertThat(answer.knowledge()).isEqualTo(Map.of("from", "other"));
    assertThat(broker.get(responses, WAIT).getProps().getCorrelationId())
        .isEqualTo(answer.replyTo());
  }

  @Test
  void aReefResponderAnswersARawDirectReplyToRequest() throws Exception {
    ReefChannel responder = reef();
    mailboxOf("bob");
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("echo", s.knowledge())));
    Spore request =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("raw-client")
            .toAgent("bob")
            .knowledge(Map.of("n", 1))
            .build();
    AmqpSporeMapper.Outgoing out =
        new AmqpSporeMapper().encode(request, HeaderLayout.REEF, false, Instant.now());
    BlockingQueue<Delivery> replies = new LinkedBlockingQueue<>();
    try (Channel ch = broker.connection().createChannel()) {
      ch.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> replies.add(d), tag -> {});
      AMQP.BasicProperties props =
          out.properties().builder().replyTo("amq.rabbitmq.reply-to").build();
      ch.basicPublish("reef." + channel, out.routingKey(), props, out.body());

      Delivery reply = replies.poll(15, TimeUnit.SECONDS);

      assertThat(reply).isNotNull();
      assertThat(reply.getProperties().getCorrelationId()).isEqualTo(request.id());
      assertThat(reply.getProperties().getDeliveryMode()).as("not persistent").isEqualTo(1);
      assertThat(reply.getProperties().getHeaders().get("x-reef-channel").toString())
          .isEqualTo(channel);
      Spore decoded =
          new AmqpSporeMapper()
              .decode(
                  null, reply.getProperties(), reply.getBody(), Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);
      assertThat(decoded.toAgent()).isEqualTo("raw-client");
      assertThat(decoded.knowledge()).isEqualTo(Map.of("echo", Map.of("n", 1)));
    }
  }

  @Test
  void aReefAskerTakesAResponseARawServerSendsToItsReplyAddress() throws Exception {
    ReefChannel asker = reef();
    String bob = mailboxOf("bob");
    asker.declareMailbox("bob");

    CompletableFuture<Spore> ask = asker.ask("alice", "bob", null, WAIT);
    GetResponse request = broker.get(bob, WAIT);
    String address = request.getProps().getReplyTo();
    assertThat(address).startsWith("amq.rabbitmq.reply-to.");
    Spore response =
        Spore.builder()
            .type(SporeType.RESPONSE)
            .fromAgent("bob")
            .toAgent("alice")
            .replyTo(request.getProps().getMessageId())
            .knowledge(Map.of("raw", true))
            .build();
    AmqpSporeMapper.Outgoing out =
        new AmqpSporeMapper().encode(response, HeaderLayout.REEF, false, Instant.now());
    Map<String, Object> headers = new java.util.HashMap<>(out.properties().getHeaders());
    headers.put("x-reef-channel", channel);
    try (Channel ch = broker.connection().createChannel()) {
      ch.basicPublish("", address, out.properties().builder().headers(headers).build(), out.body());
    }

    assertThat(ask.get(15, TimeUnit.SECONDS).knowledge()).isEqualTo(Map.of("raw", true));
  }

  @Test
  void openAsksFailAtOnceWhenTheConnectionThatWouldReceiveTheirRepliesIsLost() throws Exception {
    URI target = URI.create(broker.uri());
    try (TcpProxy proxy =
        new TcpProxy(target.getHost(), target.getPort() == -1 ? 5672 : target.getPort())) {
      String viaProxy =
          "amqp://"
              + (target.getRawUserInfo() == null ? "" : target.getRawUserInfo() + "@")
              + "127.0.0.1:"
              + proxy.port()
              + (target.getRawPath() == null ? "" : target.getRawPath());
      ReefChannel asker = reef(b -> b.uri(viaProxy).recoveryInterval(Duration.ofMillis(200)));
      Reef askerReef = reefs.get(reefs.size() - 1);
      // A subscribed asker, the usual agent: its mailbox consumer stays while asks come and go.
      asker.subscribe("alice", s -> {});
      ReefChannel responder = reef();
      mailboxOf("alice");
      mailboxOf("bob");
      CountDownLatch received = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      responder.subscribe(
          "bob",
          s -> {
            if (s.knowledge() != null && s.knowledge().containsKey("hold")) {
              received.countDown();
              release.await(30, TimeUnit.SECONDS);
            }
            responder.reply(s, "bob", Map.of("ok", true));
          });

      CompletableFuture<Spore> held = asker.ask("alice", "bob", Map.of("hold", 1), WAIT);
      assertThat(received.await(15, TimeUnit.SECONDS)).isTrue();
      // The request's confirm may still be on its way to a busy asker: cut only once it arrived,
      // so that what is lost is the reply path, not the publish.
      await()
          .atMost(WAIT)
          .until(() -> askerReef.stats().agent(channel, "alice", SporeEvent.SENT) >= 1);
      proxy.cut();

      assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS))
          .as("fails well before the ask's own 15 s deadline")
          .cause()
          .isInstanceOf(ReefException.class)
          .isNotInstanceOf(RequestTimeoutException.class)
          .hasMessageContaining("can no longer arrive");
      release.countDown();
      // After recovery, asks work again (the reply channel has a new address).
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(
              () ->
                  asker
                      .ask("alice", "bob", null, Duration.ofSeconds(2))
                      .get(5, TimeUnit.SECONDS)
                      .knowledge()
                      .equals(Map.of("ok", true)));
    }
  }
}
