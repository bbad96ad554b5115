package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.agents.ConsumerAgent;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.JvmProcess;
import dev.reef.reliability.support.RawAmqp;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.RetryingPublisher;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.Topology;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crash of a consumer JVM mid-handling: a separate consumer process handles some spores, then hangs
 * inside its handler while holding a full prefetch of unacknowledged spores; a second process joins
 * as the same agent and takes everything else; then the first is killed (kill -9). Every spore the
 * dead process held, the one it was handling included, must be redelivered to the survivor.
 */
@ExtendWith(RabbitMqBroker.class)
class ConsumerCrashIT {
  private static final int SPORES = 1500;
  private static final int HANDLED_BEFORE_HANG = 100;
  private static final int VICTIM_PREFETCH = 200;

  @Test
  void unacknowledgedSporesOfAKilledConsumerJvmAreRedeliveredToTheSurvivor() {
    SporeLedger ledger = new SporeLedger("Consumer JVM crash (kill -9 mid-handling)");
    Set<String> bySurvivor = ConcurrentHashMap.newKeySet();
    AtomicReference<String> hungOn = new AtomicReference<>();
    AtomicBoolean victimReady = new AtomicBoolean();
    AtomicBoolean survivorReady = new AtomicBoolean();
    try (Topology topo = Topology.create("crash");
        Reef reef = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
        RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      ReefChannel channel = reef.channel(topo.channel());
      String queue = topo.mailbox("worker");
      channel.declareMailbox("worker");

      try (JvmProcess victim =
              JvmProcess.start(
                  topo.channel() + "-victim",
                  ConsumerAgent.class,
                  96,
                  line -> {
                    if (line.startsWith("R ")) {
                      ledger.delivered(line.substring(2));
                    } else if (line.startsWith("HANG ")) {
                      hungOn.set(line.substring(5));
                    } else if (line.equals("READY")) {
                      victimReady.set(true);
                    }
                  },
                  consumerArgs(
                      topo, "prefetch=" + VICTIM_PREFETCH, "hangAfter=" + HANDLED_BEFORE_HANG));
          RetryingPublisher publisher =
              new RetryingPublisher(channel, 250, 20, ledger.publishListener())) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(victimReady).as(victim.tail()).isTrue());
        for (int i = 0; i < SPORES; i++) {
          publisher.publish(
              Spore.builder()
                  .id(topo.channel() + "-" + i)
                  .type(SporeType.KNOWLEDGE)
                  .fromAgent("source")
                  .toAgent("worker")
                  .knowledge(Map.of("seq", i))
                  .build());
        }
        assertThat(publisher.awaitSettled(Duration.ofSeconds(60))).isTrue();
        assertThat(ledger.confirmedCount()).isEqualTo(SPORES);

        // The victim handled some spores and now hangs mid-handling, holding a full prefetch
        // unacknowledged: exactly that many spores are neither ready in the queue nor handled.
        await().atMost(Duration.ofSeconds(30)).until(() -> hungOn.get() != null);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> raw.messageCount(queue) == SPORES - HANDLED_BEFORE_HANG - VICTIM_PREFETCH);
        assertThat(ledger.deliveredCount()).isEqualTo(HANDLED_BEFORE_HANG);

        try (JvmProcess survivor =
            JvmProcess.start(
                topo.channel() + "-survivor",
                ConsumerAgent.class,
                96,
                line -> {
                  if (line.startsWith("R ")) {
                    String id = line.substring(2);
                    bySurvivor.add(id);
                    ledger.delivered(id);
                  } else if (line.equals("READY")) {
                    survivorReady.set(true);
                  }
                },
                consumerArgs(topo, "prefetch=50"))) {
          // The survivor takes everything the victim does not hold ...
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () ->
                      assertThat(ledger.deliveredCount())
                          .as(survivor.tail())
                          .isEqualTo(SPORES - VICTIM_PREFETCH));
          assertThat(ledger.wasDelivered(hungOn.get())).isFalse();

          // ... and, once the victim is killed, everything it held.
          victim.kill();
          assertThat(victim.isAlive()).isFalse();
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(() -> assertThat(ledger.lostIds(10)).isEmpty());
          assertThat(bySurvivor).contains(hungOn.get());
          assertThat(bySurvivor.size()).isGreaterThanOrEqualTo(SPORES - HANDLED_BEFORE_HANG);

          survivor.send("STOP");
          assertThat(survivor.awaitExit(Duration.ofSeconds(30))).as(survivor.tail()).isZero();
        }
      }
      ledger.report(
          "consumer JVM killed holding "
              + VICTIM_PREFETCH
              + " unacked spores (1 mid-handling); all redelivered to the surviving JVM");
      assertThat(ledger.lostCount()).isZero();
    }
  }

  private static String[] consumerArgs(Topology topo, String... extra) {
    String[] base = {
      "channel=" + topo.channel(),
      "agent=worker",
      "dlx=" + topo.deadLetterExchange(),
      "dlq=" + topo.deadLetterQueue()
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }
}
