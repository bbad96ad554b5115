package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.support.BrokerControl;
import dev.reef.reliability.support.BrokerRestartable;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.RawAmqp;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.RetryingPublisher;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.Topology;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broker restart ({@code rabbitmqctl stop_app} / {@code start_app} on the local node): a durable
 * mailbox whose agent is offline keeps every confirmed spore across the restart, and a consumer
 * that was subscribed before the restart comes back by itself and receives what is sent after it.
 * Runs only where the test can restart the broker (see {@link BrokerRestartable}); elsewhere JUnit
 * reports it disabled with the reason.
 */
@ExtendWith(RabbitMqBroker.class)
@BrokerRestartable
class BrokerRestartIT {
  private static final int BACKLOG = 500;
  private static final int LIVE_BEFORE = 200;
  private static final int LIVE_AFTER = 300;

  @Test
  void durableMailboxesKeepTheirSporesAndConsumersResumeAfterARestart() {
    SporeLedger ledger = new SporeLedger("Broker restart (stop_app/start_app)");
    try (Topology topo = Topology.create("restart");
        Reef reef = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
        RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      ReefChannel channel = reef.channel(topo.channel());
      String backlogQueue = topo.mailbox("offline");
      topo.mailbox("live");
      channel.declareMailbox("offline");
      channel.subscribe("live", s -> ledger.delivered(s.id()));

      try (RetryingPublisher publisher =
          new RetryingPublisher(channel, 200, 100, ledger.publishListener())) {
        for (int i = 0; i < BACKLOG; i++) {
          publisher.publish(spore(topo, "offline", "b" + i));
        }
        for (int i = 0; i < LIVE_BEFORE; i++) {
          publisher.publish(spore(topo, "live", "l" + i));
        }
        assertThat(publisher.awaitSettled(Duration.ofSeconds(60))).isTrue();
        assertThat(ledger.confirmedCount()).isEqualTo(BACKLOG + LIVE_BEFORE);
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.deliveredCount() == LIVE_BEFORE);
        assertThat(raw.messageCount(backlogQueue)).isEqualTo(BACKLOG);

        BrokerControl.stopApp();
        try {
          // A spore published while the broker is down is not confirmed (it is retried until the
          // broker is back). Published from another thread: a publish may block during recovery.
          CompletableFuture.runAsync(() -> publisher.publish(spore(topo, "live", "during-outage")));
          assertThat(ledger.confirmedCount()).isEqualTo(BACKLOG + LIVE_BEFORE);
        } finally {
          BrokerControl.startApp();
        }

        // The durable mailbox kept its persistent spores (checked with a fresh connection).
        try (RawAmqp afterRestart = RawAmqp.connect(Brokers.uri())) {
          assertThat(afterRestart.messageCount(backlogQueue)).isEqualTo(BACKLOG);
        }

        // The same reef recovered by itself: its publishes are confirmed again, and the consumer
        // subscribed before the restart receives them.
        for (int i = 0; i < LIVE_AFTER; i++) {
          publisher.publish(spore(topo, "live", "a" + i));
        }
        assertThat(publisher.awaitSettled(Duration.ofSeconds(90))).isTrue();
      }
      assertThat(ledger.confirmedCount()).isEqualTo(BACKLOG + LIVE_BEFORE + LIVE_AFTER + 1);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ledger.deliveredCount() == LIVE_BEFORE + LIVE_AFTER + 1);

      // The offline agent comes online and gets its whole backlog.
      channel.subscribe("offline", s -> ledger.delivered(s.id()));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(ledger.lostIds(10)).isEmpty());
      ledger.report(
          BACKLOG
              + " spores waited in an offline durable mailbox through the restart; a consumer"
              + " subscribed before it resumed by itself");
      assertThat(ledger.lostCount()).isZero();
    }
  }

  private static Spore spore(Topology topo, String to, String id) {
    return Spore.builder()
        .id(topo.channel() + "-" + id)
        .type(SporeType.KNOWLEDGE)
        .fromAgent("source")
        .toAgent(to)
        .knowledge(Map.of("id", id))
        .build();
  }
}
