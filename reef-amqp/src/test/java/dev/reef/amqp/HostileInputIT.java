package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.codec.HostileJson;
import dev.reef.spi.MailboxSubscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input end to end through a real broker (issue 13): knowledge at the size limit made of
 * emoji (counted once, the same way on both ends), and a body of a million small keys on a consumer
 * JVM with a 128 MiB heap (refused by the decoding budget, dead-lettered {@code malformed} and
 * counted, the consumer alive and handling the next spore).
 */
@ExtendWith(RabbitMqBroker.class)
class HostileInputIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String EMOJI = "\uD83D\uDE00"; // U+1F600

  private static Map<String, Object> emojiKnowledge(long bytes) {
    // {"text":"<emoji × n><x × pad>"}: 11 + 12n + pad bytes as the codec writes it
    int emoji = (int) ((bytes - 11) / 12);
    int pad = (int) (bytes - 11 - 12L * emoji);
    return Map.of("text", EMOJI.repeat(emoji) + "x".repeat(pad));
  }

  @Test
  void emojiKnowledgeAtTheLimitIsAcceptedByTheSenderAndTheReceiver(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("hostile");
    broker.deleteExchangeAfter("reef." + channel);
    String dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead"));
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("reef.dlx"));
    AmqpBackend b =
        AmqpBackend.builder()
            .uri(broker.uri())
            .deadLetterExchange(dlx)
            .deadLetterQueue(dlq)
            .build();
    List<Spore> got = new CopyOnWriteArrayList<>();
    List<String> events = new CopyOnWriteArrayList<>();
    b.start((event, ch, agent, spore, error) -> events.add(event + " " + error));
    // what the receiver did with it, besides handing it over: nothing else may happen
    Supplier<List<String>> refusals =
        () ->
            events.stream()
                .filter(e -> !e.startsWith("DELIVERED") && !e.startsWith("HANDLED"))
                .toList();
    try {
      broker.deleteQueueAfter("reef." + channel + ".bob");
      MailboxSubscription sub =
          b.consume(
              channel,
              "bob",
              (spore, attempt) -> {
                got.add(spore);
                return CompletableFuture.completedFuture(null);
              });
      long limit = Spore.DEFAULT_MAX_KNOWLEDGE_BYTES;
      // the knowledge: 10 MiB as the old walk counted emoji (4 bytes), 3x as written
      Map<String, Object> counted4 = Map.of("text", EMOJI.repeat((int) ((limit - 11) / 4)));
      assertThatThrownBy(() -> spore(counted4))
          .isInstanceOf(SporeValidationException.class)
          .hasMessageContaining("knowledge");
      Spore atLimit = spore(emojiKnowledge(limit));
      assertThat(atLimit.knowledgeBytes()).isEqualTo(limit);

      b.publish(channel, atLimit).join();

      await().atMost(WAIT).until(() -> !got.isEmpty() || !refusals.get().isEmpty());
      assertThat(refusals.get()).isEmpty();
      assertThat(broker.messageCount(dlq)).isZero();
      assertThat(got).hasSize(1);
      assertThat(got.get(0).id()).isEqualTo(atLimit.id());
      assertThat(got.get(0).knowledge()).isEqualTo(atLimit.knowledge());
      assertThat(got.get(0).knowledgeBytes()).isEqualTo(limit);
      sub.close();
    } finally {
      b.close(Duration.ofSeconds(5));
    }
  }

  private static Spore spore(Map<String, Object> knowledge) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent("bob")
        .knowledge(knowledge)
        .build();
  }

  @Test
  void millionKeyBodiesOnA128MibConsumerAreDeadLetteredAndTheConsumerLives(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("hostile");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteQueueAfter("reef." + channel + ".bob");
    String dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead"));
    String dlx = broker.deleteExchangeAfter(TestBroker.unique("reef.dlx"));
    Path log = Path.of("target", "hostile-input-consumer.log");
    // -XX:+ExitOnOutOfMemoryError: an OOM on any thread ends the process, which the test sees
    ChildJvm consumer =
        ChildJvm.launch(
            List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
            HostileInputAgent.class,
            List.of(channel, dlx, dlq),
            log.toFile());
    try {
      await().atMost(WAIT).until(() -> consumer.printed("READY"));
      byte[] body = HostileJson.smallKeys(1_000_000);
      assertThat(body.length).isBetween(9_000_000, 9_500_000);

      try (Channel raw = broker.connection().createChannel()) {
        raw.confirmSelect();
        for (int i = 0; i < 3; i++) {
          publishRaw(raw, channel, "hostile-" + i, body);
        }
        publishRaw(
            raw, channel, "bystander", "{\"text\":\"bystander\"}".getBytes(StandardCharsets.UTF_8));
        raw.waitForConfirmsOrDie(30_000);
      }

      await().atMost(WAIT).until(() -> consumer.printed("HANDLED bystander"));
      await().atMost(WAIT).until(() -> broker.messageCount(dlq) == 3);
      for (int i = 0; i < 3; i++) {
        GetResponse r = broker.get(dlq, WAIT);
        Map<String, Object> h = r.getProps().getHeaders();
        assertThat(r.getProps().getMessageId()).startsWith("hostile-");
        assertThat(h.get("x-reef-dead-reason").toString()).isEqualTo("malformed");
        assertThat(h.get("x-reef-error").toString()).contains("too large");
      }
      consumer.tell("stats");
      await().atMost(WAIT).until(() -> consumer.printed("MALFORMED "));
      assertThat(consumer.starting("MALFORMED ")).containsExactly("MALFORMED 3");
      assertThat(consumer.process.isAlive()).as("the consumer JVM is alive").isTrue();
      assertThat(broker.messageCount("reef." + channel + ".bob")).isZero();
      consumer.tell("quit");
      assertThat(consumer.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(consumer.process.exitValue()).isZero();
      assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    } finally {
      consumer.process.destroyForcibly();
    }
  }

  private static void publishRaw(Channel raw, String channel, String id, byte[] body)
      throws IOException {
    raw.basicPublish(
        "reef." + channel,
        "agent.bob.knowledge",
        new AMQP.BasicProperties.Builder()
            .messageId(id)
            .headers(new HashMap<>(Map.of("from_agent", "mallory")))
            .build(),
        body);
  }
}
