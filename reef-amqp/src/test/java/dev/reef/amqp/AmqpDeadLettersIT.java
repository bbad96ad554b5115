package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.DeadLetterRecord;
import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.conformance.Inbox;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead letters on AMQP by default (issue 12, items 4 and 5): each channel has its own dead-letter
 * exchange and queue, {@code reef-dlx.<channel>} / {@code reef-dlq.<channel>}; a retried spore's
 * dead letter names its original route; a replay goes back along that route (through the channel's
 * exchange with {@code agent.<to>.<type>}, not the retry path).
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpDeadLettersIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private TestBroker broker;
  private String channel;
  private Reef reef;

  @BeforeEach
  void setUp() {
    broker = new TestBroker(RabbitMqBroker.uri());
    channel = TestBroker.unique("dl").replace('.', '-');
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    broker.deleteQueueAfter("reef." + channel + ".bob");
    broker.deleteQueueAfter("reef." + channel + ".alice");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .retryPolicy(
                RetryPolicy.custom()
                    .maxAttempts(3)
                    .initialBackoff(Duration.ofMillis(10))
                    .maxBackoff(Duration.ofMillis(20))
                    .build())
            .build();
    assertThat(backend.deadLetterExchange()).isNull();
    assertThat(backend.deadLetterExchangeFor(channel)).isEqualTo("reef-dlx." + channel);
    assertThat(backend.deadLetterQueueFor(channel)).isEqualTo("reef-dlq." + channel);
    reef =
        Reef.create(
            backend,
            ReefOptions.custom()
                .defaultChannel(channel)
                .closeTimeout(Duration.ofSeconds(2))
                .build());
  }

  @AfterEach
  void tearDown() {
    reef.close(Duration.ofSeconds(2));
    broker.close();
  }

  @Test
  void aRetriedSporeIsDeadLetteredToItsChannelsQueueWithItsOriginalRouteAndReplayedAlongIt()
      throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    AtomicInteger attempts = new AtomicInteger();
    Inbox bob = new Inbox();
    reef.subscribe(
        "bob",
        s -> {
          attempts.incrementAndGet();
          if (failing.get()) {
            throw new IllegalStateException("not yet");
          }
          bob.handle(s);
        });
    Spore first = reef.send("alice", "bob", Map.of("n", 1)).get();
    Spore second = reef.send("alice", "bob", Map.of("n", 2)).get();
    await().atMost(WAIT).until(() -> broker.messageCount("reef-dlq." + channel) == 2);
    assertThat(reef.deadLetters().count()).isEqualTo(2);
    assertThat(reef.deadLetters().list(10))
        .extracting(DeadLetterRecord::id)
        .containsExactly(first.id(), second.id());
    assertThat(broker.messageCount("reef-dlq." + channel)).as("listing keeps them").isEqualTo(2);

    // A spy bound like bob's mailbox sees what goes through the channel's exchange from now on.
    String spy = broker.deleteQueueAfter(TestBroker.unique("dl-spy"));
    try (Channel raw = broker.connection().createChannel()) {
      raw.queueDeclare(spy, false, false, true, null);
      raw.queueBind(spy, "reef." + channel, "agent.bob.*");
    }
    failing.set(false);
    assertThat(reef.deadLetters().replay(first.id())).isTrue();

    await().atMost(WAIT).until(() -> bob.size() == 1);
    assertThat(bob.spores()).containsExactly(first);
    GetResponse viaExchange = broker.get(spy, WAIT);
    assertThat(viaExchange.getEnvelope().getExchange()).isEqualTo("reef." + channel);
    assertThat(viaExchange.getEnvelope().getRoutingKey()).startsWith("agent.bob.");
    assertThat(viaExchange.getProps().getHeaders())
        .doesNotContainKeys("x-reef-dead-reason", "x-reef-original-exchange", "x-reef-queue");

    GetResponse dead = broker.get("reef-dlq." + channel, WAIT);
    Map<String, Object> h = dead.getProps().getHeaders();
    assertThat(dead.getProps().getMessageId()).isEqualTo(second.id());
    assertThat(h.get("x-reef-dead-reason")).hasToString("handler_failed");
    assertThat(h.get("x-reef-exchange")).hasToString("reef." + channel);
    assertThat(h.get("x-reef-routing-key").toString()).startsWith("agent.bob.");
    assertThat(h.get("x-reef-channel")).hasToString(channel);
    assertThat(h.get("x-reef-queue")).hasToString("reef." + channel + ".bob");
    assertThat(h.get("x-reef-attempts")).isEqualTo(3);
    assertThat(h).doesNotContainKeys("x-reef-original-exchange", "x-reef-original-routing-key");
  }

  @Test
  void purgeEmptiesTheChannelsQueue() throws Exception {
    reef.subscribe(
        "bob",
        s -> {
          throw new IllegalStateException("always");
        });
    for (int i = 0; i < 3; i++) {
      reef.send("alice", "bob", Map.of("n", i)).get();
    }
    await().atMost(WAIT).until(() -> reef.deadLetters().count() == 3);

    assertThat(reef.deadLetters().purge()).isEqualTo(3);

    assertThat(broker.messageCount("reef-dlq." + channel)).isZero();
  }
}
