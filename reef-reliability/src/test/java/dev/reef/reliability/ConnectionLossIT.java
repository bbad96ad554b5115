package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.Paced;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.RetryingPublisher;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.TcpProxy;
import dev.reef.reliability.support.Topology;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connection loss: producer and consumer reach the broker through a loopback TCP proxy that cuts
 * every connection three times while spores flow, the last time refusing reconnections for a while
 * (until each reef has failed to reconnect twice). Recovery must be automatic (no code in the test
 * reconnects anything), the consumer must resume, and every confirmed spore must be delivered.
 */
@ExtendWith(RabbitMqBroker.class)
class ConnectionLossIT {
  private static final int SPORES = 4000;
  private static final int RATE = 700;
  private static final int CUTS = 3;

  @Test
  void everyConfirmedSporeIsDeliveredAcrossRepeatedConnectionCuts() {
    SporeLedger ledger = new SporeLedger("Connection loss: " + CUTS + " cuts via TCP proxy");
    try (Topology topo = Topology.create("connloss");
        TcpProxy proxy = TcpProxy.start(Brokers.uri().getHost(), Brokers.port())) {
      URI viaProxy = Brokers.via(proxy.host(), proxy.port());
      try (Reef consumerReef = Reefs.amqp(viaProxy, topo.settings(), ReefOptions.ofDefaults());
          Reef producerReef = Reefs.amqp(viaProxy, topo.settings(), ReefOptions.ofDefaults())) {
        topo.mailbox("sink");
        consumerReef.channel(topo.channel()).subscribe("sink", s -> ledger.delivered(s.id()));
        ReefChannel out = producerReef.channel(topo.channel());
        int connectionsBefore = proxy.connectionsAccepted();

        try (RetryingPublisher publisher =
            new RetryingPublisher(out, 200, 100, ledger.publishListener())) {
          CompletableFuture<Void> producing =
              CompletableFuture.runAsync(
                  () ->
                      Paced.run(
                          SPORES,
                          RATE,
                          i ->
                              publisher.publish(
                                  Spore.builder()
                                      .id(topo.channel() + "-" + i)
                                      .type(SporeType.KNOWLEDGE)
                                      .fromAgent("source")
                                      .toAgent("sink")
                                      .knowledge(Map.of("seq", i))
                                      .build())));

          for (int cut = 1; cut <= CUTS; cut++) {
            long threshold = (long) SPORES * cut / (CUTS + 1);
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> ledger.confirmedCount() >= threshold);
            if (cut < CUTS) {
              assertThat(proxy.cutAll()).as("connections cut at cut %d", cut).isPositive();
            } else {
              // The last outage lasts: reconnection attempts are refused until each reef has
              // failed to reconnect at least twice; recovery must keep trying.
              int refusedBefore = proxy.connectionsRefused();
              proxy.refuse(true);
              assertThat(proxy.cutAll()).as("connections cut at cut %d", cut).isPositive();
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(() -> proxy.connectionsRefused() >= refusedBefore + 4);
              proxy.refuse(false);
            }
          }
          await().atMost(Duration.ofSeconds(90)).until(producing::isDone);
          assertThat(producing).isCompleted();
          assertThat(publisher.awaitSettled(Duration.ofSeconds(60))).isTrue();
        }

        // Every spore was eventually confirmed (publishing resumed after each cut) ...
        assertThat(ledger.confirmedCount()).isEqualTo(SPORES);
        // ... and every confirmed spore reaches the consumer, which resumed by itself.
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(ledger.lostIds(10))
                        .as("confirmed spores not (yet) delivered")
                        .isEmpty());
        assertThat(proxy.cuts()).isEqualTo(CUTS);
        // Both reefs reconnected after every cut, through the proxy, without help.
        assertThat(proxy.connectionsAccepted())
            .isGreaterThanOrEqualTo(connectionsBefore + 2 * CUTS);
        ledger.report(
            CUTS
                + " cuts of all connections (the last one refusing "
                + proxy.connectionsRefused()
                + " reconnection attempts); "
                + (proxy.connectionsAccepted() - connectionsBefore)
                + " reconnections; "
                + ledger.sendFailureCount()
                + " failed publish attempts retried under the same id");
      }
      assertThat(ledger.lostCount()).isZero();
    }
  }
}
