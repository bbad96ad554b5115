package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With default options, a spore that expires while it waits in a mailbox is counted {@link
 * SporeEvent#EXPIRED} by the consumer that comes for it (within the default expiry grace), not
 * silently dropped by the broker.
 */
@ExtendWith(RabbitMqBroker.class)
class ExpiryDefaultIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aSporeThatExpiredInTheMailboxIsCountedByDefault(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("expdef");
    String dlx = TestBroker.unique("expdef-dlx");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(RabbitMqBroker.uri())
            .deadLetterExchange(dlx)
            .deadLetterQueue(broker.deleteQueueAfter(dlx + ".q"))
            .build();
    broker.deleteExchangeAfter(dlx);
    try (Reef reef = Reef.create(backend)) {
      broker.deleteExchangeAfter(backend.exchangeFor(channel));
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "bob"));
      ReefChannel ch = reef.channel(channel);
      ch.declareMailbox("bob");
      Spore shortLived =
          ch.publish(
                  Spore.builder()
                      .type(SporeType.KNOWLEDGE)
                      .fromAgent("alice")
                      .toAgent("bob")
                      .expiresIn(Duration.ofMillis(200))
                      .knowledge(Map.of("n", "expired"))
                      .build())
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      ch.send("alice", "bob", Map.of("n", "fresh")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      // Well past its expiry (and the broker's TTL without a grace) before anyone consumes.
      await().atMost(WAIT).until(() -> shortLived.isExpired(Instant.now().minusMillis(1_000)));

      List<Object> got = new CopyOnWriteArrayList<>();
      ch.subscribe("bob", s -> got.add(s.knowledge().get("n")));

      await().atMost(WAIT).until(() -> got.size() == 1);
      await().atMost(WAIT).until(() -> reef.stats().agent(channel, "bob", SporeEvent.EXPIRED) == 1);
      assertThat(got).containsExactly("fresh");
    }
  }
}
