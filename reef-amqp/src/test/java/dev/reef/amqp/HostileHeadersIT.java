package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.internal.HeaderNesting;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A message whose AMQP header table nests 10,000 levels (issue 13, item 1): amqp-client would close
 * the connection reading it (a stack overflow in old versions, a connection-fatal {@code
 * MalformedFrameException} past 32 levels in new ones) and read it again after every recovery. With
 * Reef's frame guard it is dead-lettered {@code malformed} once, without the hostile header,
 * counted, and a bystander mailbox of the same backend receives every spore.
 */
@ExtendWith(RabbitMqBroker.class)
class HostileHeadersIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DEPTH = 10_000;
  private static final int BYSTANDER_SPORES = 500;

  /** A table nested {@code depth} levels: {"d": {"d": ... {} }}, built without recursion. */
  static Map<String, Object> nested(int depth) {
    Map<String, Object> inner = new HashMap<>();
    for (int i = 1; i < depth; i++) {
      Map<String, Object> outer = new HashMap<>();
      outer.put("d", inner);
      inner = outer;
    }
    return inner;
  }

  @Test
  void aHeaderNested10000DeepIsDeadLetteredAndABystanderKeepsReceiving(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("hostile-headers");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteQueueAfter("reef." + channel + ".victim");
    broker.deleteQueueAfter("reef." + channel + ".bystander");
    String dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead"));
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("reef.dlx"));
    AmqpBackend b =
        AmqpBackend.builder()
            .uri(broker.uri())
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .build();
    List<String> malformed = new CopyOnWriteArrayList<>();
    b.start(
        (event, ch, agent, spore, error) -> {
          if (event == SporeEvent.MALFORMED) {
            malformed.add(agent + ": " + error.getMessage());
          }
        });
    Set<String> victimGot = ConcurrentHashMap.newKeySet();
    Set<String> bystanderGot = ConcurrentHashMap.newKeySet();
    try {
      b.consume(
          channel,
          "victim",
          (spore, attempt) -> {
            victimGot.add(spore.id());
            return CompletableFuture.completedFuture(null);
          });
      b.consume(
          channel,
          "bystander",
          (spore, attempt) -> {
            bystanderGot.add(spore.id());
            return CompletableFuture.completedFuture(null);
          });

      publishHostile(broker, channel);

      List<CompletableFuture<Spore>> sent = new ArrayList<>();
      for (int i = 0; i < BYSTANDER_SPORES; i++) {
        sent.add(b.publish(channel, spore("bystander", i)));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
      await().atMost(WAIT).until(() -> bystanderGot.size() == BYSTANDER_SPORES);

      await().atMost(WAIT).until(() -> broker.messageCount(dlq) == 1);
      GetResponse dead = broker.get(dlq, WAIT);
      Map<String, Object> h = dead.getProps().getHeaders();
      assertThat(dead.getProps().getMessageId()).isEqualTo("hostile-deep");
      assertThat(h.get("x-reef-dead-reason").toString()).isEqualTo("malformed");
      assertThat(h).doesNotContainKey("deep").containsKey(HeaderNesting.REFUSED);
      assertThat(h.get(HeaderNesting.REFUSED).toString()).contains("'deep'", "deeper than 16");
      assertThat(h.get("from_agent").toString()).as("a sound header is kept").isEqualTo("mallory");
      assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("{}");

      // The victim's mailbox works: it receives the next spore, and nothing came back.
      Spore next = spore("victim", 0);
      b.publish(channel, next).get();
      await().atMost(WAIT).until(() -> victimGot.contains(next.id()));
      assertThat(malformed).hasSize(1);
      assertThat(malformed.get(0)).startsWith("victim: ").contains("'deep'");
      assertThat(broker.messageCount("reef." + channel + ".victim")).isZero();
    } finally {
      b.close(Duration.ofSeconds(5));
    }
  }

  /** Publishes (confirmed) the nested message; amqp-client's writer recurses, so on a big stack. */
  private static void publishHostile(TestBroker broker, String channel) throws Exception {
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> {
              try (Channel raw = broker.connection().createChannel()) {
                raw.confirmSelect();
                Map<String, Object> headers = new HashMap<>();
                headers.put("from_agent", "mallory");
                headers.put("deep", nested(DEPTH));
                raw.basicPublish(
                    "reef." + channel,
                    "agent.victim.knowledge",
                    new AMQP.BasicProperties.Builder()
                        .messageId("hostile-deep")
                        .headers(headers)
                        .build(),
                    "{}".getBytes(StandardCharsets.UTF_8));
                raw.waitForConfirmsOrDie(30_000);
              } catch (Exception e) {
                failure.set(e);
              }
            },
            "hostile-publisher",
            512L * 1024 * 1024);
    t.start();
    t.join();
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static Spore spore(String to, int i) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent(to)
        .knowledge(Map.of("i", i))
        .build();
  }
}
