package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.codec.SporeCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Reef channel mapped to a Praval exchange, on a real broker: the raw RabbitMQ client publishes
 * every recorded Praval message (its exact properties, typed headers and body) and Reef agents
 * receive them with every field intact; expired ones are dead-lettered instead of handled (Praval
 * delivers them). A Reef agent's answer goes out in Praval's format.
 */
@ExtendWith(RabbitMqBroker.class)
class PravalInteropIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void reefAgentsReceiveEveryRecordedPravalMessageIntact(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("praval");
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("praval.dlx"));
    String dlq = broker.deleteQueueAfter(TestBroker.unique("praval.dead"));
    Map<String, List<Spore>> received = new ConcurrentHashMap<>();
    List<String> expired = new CopyOnWriteArrayList<>();
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .pravalChannel(channel, exchange)
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .build();
    try {
      backend.start(
          (event, ch, agent, spore, error) -> {
            if (event == SporeEvent.EXPIRED) {
              expired.add(agent + ":" + spore.id());
            }
          });
      for (String agent : List.of("alice", "bob")) {
        broker.deleteQueueAfter(backend.mailboxQueueFor(channel, agent));
        received.put(agent, new CopyOnWriteArrayList<>());
        backend.consume(
            channel,
            agent,
            (spore, attempt) -> {
              received.get(agent).add(spore);
              return CompletableFuture.completedFuture(null);
            });
      }

      // What Praval 0.8.1 put on the wire, published unchanged by a foreign client.
      List<PravalWireFixture> fixtures = new ArrayList<>();
      for (String name : PravalWireFixture.cases()) {
        fixtures.add(PravalWireFixture.load(name));
      }
      try (Channel ch = broker.connection().createChannel()) {
        for (PravalWireFixture f : fixtures) {
          ch.basicPublish(exchange, f.routingKey, false, f.properties, f.body);
        }
      }

      // Who must get what: directed spores their target; undirected ones (all from alice) bob,
      // never the sender; expired spores nobody's handler.
      Instant now = Instant.now();
      Map<String, Spore> expectedDelivered = new LinkedHashMap<>();
      List<String> expectedExpired = new ArrayList<>();
      for (PravalWireFixture f : fixtures) {
        Spore o = f.original;
        String target = o.toAgent() != null ? o.toAgent() : "bob";
        if (o.isExpired(now)) {
          expectedExpired.add(target + ":" + o.id());
        } else {
          expectedDelivered.put(target + ":" + o.id(), onTheWire(o));
        }
      }
      await("every non-expired fixture delivered and every expired one reported")
          .atMost(WAIT)
          .until(
              () ->
                  received.get("alice").size() + received.get("bob").size()
                          == expectedDelivered.size()
                      && expired.size() == expectedExpired.size());

      Map<String, Spore> delivered = new LinkedHashMap<>();
      received.forEach((agent, list) -> list.forEach(s -> delivered.put(agent + ":" + s.id(), s)));
      assertThat(delivered).isEqualTo(expectedDelivered);
      assertThat(expired).containsExactlyInAnyOrderElementsOf(expectedExpired);
      assertThat(expectedDelivered).hasSizeGreaterThanOrEqualTo(14);
      // The expired ones wait in the dead-letter queue with the reason.
      for (int i = 0; i < expectedExpired.size(); i++) {
        GetResponse dead = broker.get(dlq, WAIT);
        assertThat(dead.getProps().getHeaders().get("x-reef-dead-reason").toString())
            .isEqualTo("expired");
      }
    } finally {
      backend.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void aReefAgentAnswersAPravalRequestInPravalsFormat(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("praval");
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("praval.dlx"));
    String dlq = broker.deleteQueueAfter(TestBroker.unique("praval.dead"));
    PravalWireFixture request = PravalWireFixture.load("tracing-ids"); // alice -> bob, no expiry
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .pravalChannel(channel, exchange)
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .build();
    try (Channel spy = broker.connection().createChannel()) {
      // alice is a Python Praval agent: her queue is bound with agent.alice.* (Praval's grammar).
      spy.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      String aliceQueue = broker.deleteQueueAfter(TestBroker.unique("praval.alice"));
      spy.queueDeclare(aliceQueue, false, false, false, null);
      spy.queueBind(aliceQueue, exchange, "agent.alice.*");
      backend.start((event, ch, agent, spore, error) -> {});
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "bob"));
      // bob is a Java agent answering every request
      backend.consume(
          channel,
          "bob",
          (spore, attempt) ->
              spore.type() != SporeType.REQUEST
                  ? CompletableFuture.completedFuture(null)
                  : backend.publish(
                      channel,
                      Spore.builder()
                          .type(SporeType.RESPONSE)
                          .fromAgent("bob")
                          .toAgent(spore.fromAgent())
                          .replyTo(spore.id())
                          .correlationId(spore.correlationId())
                          .knowledge(Map.of("echo", spore.knowledge(), "agent", "bob"))
                          .build()));

      spy.basicPublish(exchange, request.routingKey, false, request.properties, request.body);

      GetResponse reply = broker.get(aliceQueue, WAIT);
      AMQP.BasicProperties props = reply.getProps();
      Map<String, Object> headers = props.getHeaders();
      assertThat(reply.getEnvelope().getRoutingKey()).isEqualTo("agent.alice.response");
      assertThat(headers.keySet()).isEqualTo(request.headerTypeTags().keySet());
      assertThat(headers.values()).allMatch(v -> v instanceof LongString);
      assertThat(headers.get("spore_type").toString()).isEqualTo("response");
      assertThat(headers.get("from_agent").toString()).isEqualTo("bob");
      assertThat(headers.get("to_agent").toString()).isEqualTo("alice");
      assertThat(headers.get("reply_to").toString()).isEqualTo(request.original.id());
      assertThat(headers.get("correlation_id").toString()).isEqualTo("corr-7f3a");
      assertThat(headers.get("expires_at").toString()).isEmpty();
      assertThat(headers.get("priority").toString()).isEqualTo("5");
      assertThat(headers.get("created_at").toString()).doesNotContain("+").doesNotEndWith("Z");
      assertThat(props.getMessageId()).isEqualTo(headers.get("spore_id").toString());
      assertThat(props.getContentType()).isEqualTo("application/json");
      assertThat(props.getDeliveryMode()).isEqualTo(2);
      assertThat(SporeCodec.ofDefaults().decodeKnowledge(reply.getBody()))
          .isEqualTo(Map.of("echo", Map.of("op", "traced"), "agent", "bob"));
      assertThat(new String(reply.getBody(), StandardCharsets.UTF_8))
          .doesNotContain("_praval_spore_envelope");
    } finally {
      backend.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Issue 12 item 11: Praval hosts at UTC−5, +5:30, +0 and +14 send the recorded request (60 s
   * expiry), re-dated to now, with their naive local times; Reef's agent gets all four, none
   * expired, at their true instants.
   */
  @Test
  void pravalHostsAtAnyUtcOffsetAreReadAtTheirTrueInstants(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("praval");
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    PravalWireFixture request = PravalWireFixture.load("request"); // alice -> bob, 60 s expiry
    List<String> offsets = List.of("-05:00", "+05:30", "Z", "+14:00");
    List<Spore> received = new CopyOnWriteArrayList<>();
    List<String> dropped = new CopyOnWriteArrayList<>();
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .pravalChannel(channel, exchange)
            .deadLetterExchange(broker.deleteExchangeAfter(TestBroker.unique("praval.dlx")))
            .deadLetterQueue(broker.deleteQueueAfter(TestBroker.unique("praval.dead")))
            .build();
    try {
      backend.start(
          (event, ch, agent, spore, error) -> {
            if (event == SporeEvent.EXPIRED || event == SporeEvent.MALFORMED) {
              dropped.add(event + " " + error);
            }
          });
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "bob"));
      backend.consume(
          channel,
          "bob",
          (spore, attempt) -> {
            received.add(spore);
            return CompletableFuture.completedFuture(null);
          });
      Instant now = Instant.now();
      Duration toNow =
          Duration.ofSeconds(now.getEpochSecond() - request.original.createdAt().getEpochSecond());
      try (Channel ch = broker.connection().createChannel()) {
        for (String offset : offsets) {
          AMQP.BasicProperties shifted = request.atOffset(ZoneOffset.of(offset), toNow);
          Map<String, Object> headers = new LinkedHashMap<>(shifted.getHeaders());
          String id = request.original.id() + "@" + offset; // distinct ids: no deduplication
          headers.put("spore_id", LongStringHelper.asLongString(id));
          ch.basicPublish(
              exchange,
              request.routingKey,
              false,
              shifted.builder().headers(headers).messageId(id).build(),
              request.body);
        }
      }

      await("every request delivered").atMost(WAIT).until(() -> received.size() == offsets.size());
      assertThat(dropped).isEmpty();
      Instant created = request.original.createdAt().plus(toNow);
      for (Spore s : received) {
        assertThat(s.createdAt()).as(s.id()).isEqualTo(created);
        assertThat(s.expiresAt()).as(s.id()).isEqualTo(request.original.expiresAt().plus(toNow));
        assertThat(s.isExpired(now)).isFalse();
      }
    } finally {
      backend.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Issue 12 item 13: a request published by a channel in the lean Reef layout onto an exchange
   * that a Praval agent's queue is bound to carries the {@code spore_type} header Praval reads the
   * type from, and the {@code to_agent} header its receive filter requires.
   */
  @Test
  void aReefLayoutRequestReachesAPravalQueueAsARequest(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("lean");
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .exchange(channel, exchange)
            .deadLetterExchange(broker.deleteExchangeAfter(TestBroker.unique("praval.dlx")))
            .deadLetterQueue(broker.deleteQueueAfter(TestBroker.unique("praval.dead")))
            .build();
    try (Channel spy = broker.connection().createChannel()) {
      spy.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      String pyQueue = broker.deleteQueueAfter(TestBroker.unique("praval.py_echo"));
      spy.queueDeclare(pyQueue, false, false, false, null);
      spy.queueBind(pyQueue, exchange, "agent.py_echo.*");
      backend.start((event, ch, agent, spore, error) -> {});
      Spore request =
          Spore.builder()
              .type(SporeType.REQUEST)
              .fromAgent("java_client")
              .toAgent("py_echo")
              .knowledge(Map.of("question", "ping"))
              .build();

      backend.publish(channel, request).get();

      GetResponse got = broker.get(pyQueue, WAIT);
      Map<String, Object> h = got.getProps().getHeaders();
      assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("agent.py_echo.request");
      // As Praval reads it: the type from spore_type (absent = knowledge), the target checked.
      assertThat(String.valueOf(h.getOrDefault("spore_type", "knowledge"))).isEqualTo("request");
      assertThat(h.get("to_agent").toString()).isEqualTo("py_echo");
      assertThat(h.get("from_agent").toString()).isEqualTo("java_client");
      assertThat(got.getProps().getMessageId()).isEqualTo(request.id());
    } finally {
      backend.close(Duration.ofSeconds(5));
    }
  }

  /** The spore as it can arrive over AMQP: Praval never sends metadata, only its own fields. */
  private static Spore onTheWire(Spore o) {
    Map<String, Object> kept = new LinkedHashMap<>();
    o.metadata()
        .forEach(
            (k, v) -> {
              if (k.startsWith(SporeCodec.PRAVAL_METADATA_PREFIX)) {
                kept.put(k, v);
              }
            });
    return o.toBuilder().metadata(kept).build();
  }
}
