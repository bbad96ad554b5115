package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.RawAmqp;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.RetryingPublisher;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Poison spores: a handler that always throws for some spores. Each poison spore is tried exactly
 * the configured number of times, then lands in the dead-letter queue with the reason, the error
 * and the attempt count; the good spores around it are all handled (the consumer keeps going).
 */
@ExtendWith(RabbitMqBroker.class)
class PoisonSporeIT {
  private static final int MAX_ATTEMPTS = 3;
  private static final int GOOD = 300;
  private static final int POISON = 5;

  @Test
  void poisonSporesAreDeadLetteredAfterTheConfiguredAttemptsWithTheirError() {
    SporeLedger ledger = new SporeLedger("Poison spores (handler always throws)");
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    try (Topology topo = Topology.create("poison");
        Reef reef =
            Reefs.amqp(
                Brokers.uri(),
                topo.settings()
                    .withRetry(
                        RetryPolicy.custom()
                            .maxAttempts(MAX_ATTEMPTS)
                            .initialBackoff(Duration.ofMillis(20))
                            .maxBackoff(Duration.ofMillis(100))
                            .build()),
                ReefOptions.ofDefaults());
        RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      ReefChannel channel = reef.channel(topo.channel());
      topo.mailbox("fragile");
      channel.subscribe(
          "fragile",
          spore -> {
            if (Boolean.TRUE.equals(spore.knowledge().get("poison"))) {
              attempts.computeIfAbsent(spore.id(), k -> new AtomicInteger()).incrementAndGet();
              throw new IllegalStateException("cannot digest " + spore.id());
            }
            ledger.delivered(spore.id());
          });

      List<String> poisonIds = new ArrayList<>();
      try (RetryingPublisher publisher =
          new RetryingPublisher(channel, 100, 5, ledger.publishListener())) {
        for (int i = 0; i < GOOD + POISON; i++) {
          boolean poison = i % ((GOOD + POISON) / POISON) == 0;
          String id = topo.channel() + (poison ? "-poison-" : "-good-") + i;
          if (poison) {
            poisonIds.add(id);
          }
          publisher.publish(
              Spore.builder()
                  .id(id)
                  .type(SporeType.KNOWLEDGE)
                  .fromAgent("source")
                  .toAgent("fragile")
                  .knowledge(Map.of("poison", poison, "seq", i))
                  .build());
        }
        assertThat(publisher.awaitSettled(Duration.ofSeconds(30))).isTrue();
      }
      assertThat(poisonIds).hasSize(POISON);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> raw.messageCount(topo.deadLetterQueue()) == POISON);
      List<GetResponse> dead = raw.drain(topo.deadLetterQueue());
      for (GetResponse d : dead) {
        String id = d.getProps().getMessageId();
        ledger.deadLettered(id);
        Map<String, Object> h = d.getProps().getHeaders();
        assertThat(String.valueOf(h.get("x-reef-dead-reason"))).isEqualTo("handler_failed");
        assertThat(String.valueOf(h.get("x-reef-error")))
            .contains("IllegalStateException")
            .contains("cannot digest " + id);
        assertThat(Integer.parseInt(String.valueOf(h.get("x-reef-attempts"))))
            .isEqualTo(MAX_ATTEMPTS);
      }
      assertThat(dead)
          .extracting(d -> d.getProps().getMessageId())
          .containsExactlyInAnyOrderElementsOf(poisonIds);
      assertThat(attempts).containsOnlyKeys(poisonIds);
      assertThat(attempts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(MAX_ATTEMPTS));

      // The consumer kept going: every good spore was handled, none was dead-lettered.
      await().atMost(Duration.ofSeconds(30)).until(() -> ledger.deliveredCount() == GOOD);
      assertThat(ledger.lostCount()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reef.stats().total(SporeEvent.DEAD_LETTERED) == POISON);
      assertThat(reef.stats().total(SporeEvent.RETRIED))
          .isEqualTo((long) POISON * (MAX_ATTEMPTS - 1));
      ledger.report(
          POISON
              + " poison spores dead-lettered after "
              + MAX_ATTEMPTS
              + " attempts each with reason `failed` and the error; "
              + GOOD
              + " good spores around them all handled");
    }
  }
}
