package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.TcpProxy;
import dev.reef.reliability.support.Topology;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Idempotent receive ({@link ReefOptions#deduplicationWindow()}): at-least-once delivery produces
 * duplicates (the same spore published twice; a redelivery because the acknowledgement was lost
 * with the connection); with the window on, the handler sees each spore once and the duplicates are
 * counted as {@link SporeEvent#DUPLICATE}. Each case runs a control without the window that shows
 * the duplicates really arrive.
 */
@ExtendWith(RabbitMqBroker.class)
class DeduplicationIT {
  private static final SporeLedger LEDGER =
      new SporeLedger("Idempotent receive (deduplicationWindow)");
  private static final AtomicInteger SUPPRESSED = new AtomicInteger();

  @AfterAll
  static void report() {
    LEDGER.report(
        SUPPRESSED.get()
            + " duplicates (republished spores, spores sharing an idempotency key, a redelivery"
            + " after a lost ack) reached the reef and were hidden from handlers; the controls"
            + " without the window saw them");
  }

  @Test
  void republishedSporesReachTheHandlerOnceWithTheWindowOn() {
    try (Topology topo = Topology.create("dedup");
        Reef producer = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
        Reef dedup =
            Reefs.amqp(
                Brokers.uri(),
                topo.settings(),
                ReefOptions.custom().deduplicationWindow(1000).build());
        Reef plain = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults())) {
      topo.mailbox("deduped");
      topo.mailbox("plain");
      Map<String, AtomicInteger> seenDeduped = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> seenPlain = new ConcurrentHashMap<>();
      dedup
          .channel(topo.channel())
          .subscribe(
              "deduped",
              s -> {
                seenDeduped.computeIfAbsent(s.id(), k -> new AtomicInteger()).incrementAndGet();
                LEDGER.delivered(s.id());
              });
      plain
          .channel(topo.channel())
          .subscribe(
              "plain",
              s -> seenPlain.computeIfAbsent(s.id(), k -> new AtomicInteger()).incrementAndGet());

      ReefChannel out = producer.channel(topo.channel());
      int spores = 50;
      int copies = 3;
      for (int i = 0; i < spores; i++) {
        for (String to : new String[] {"deduped", "plain"}) {
          Spore s =
              Spore.builder()
                  .id(topo.channel() + "-" + to + "-" + i)
                  .type(SporeType.KNOWLEDGE)
                  .fromAgent("source")
                  .toAgent(to)
                  .knowledge(Map.of("seq", i))
                  .build();
          for (int c = 0; c < copies; c++) {
            out.publish(s).join();
            if (to.equals("deduped")) {
              LEDGER.sent();
              LEDGER.confirmed(s.id());
            }
          }
        }
      }
      // Control: without the window every copy reaches the handler.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  seenPlain.values().stream().mapToInt(AtomicInteger::get).sum()
                      == spores * copies);
      // With it, every spore reaches the handler once and the copies are counted.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dedup.stats().total(SporeEvent.DUPLICATE) == (long) spores * (copies - 1));
      assertThat(seenDeduped).hasSize(spores);
      assertThat(seenDeduped.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      SUPPRESSED.addAndGet(spores * (copies - 1));
    }
  }

  @Test
  void sporesSharingAnIdempotencyKeyReachTheHandlerOnceWithTheWindowOn() {
    try (Topology topo = Topology.create("dedupkey");
        Reef producer = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
        Reef dedup =
            Reefs.amqp(
                Brokers.uri(),
                topo.settings(),
                ReefOptions.custom().deduplicationWindow(1000).build());
        Reef plain = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults())) {
      topo.mailbox("deduped");
      topo.mailbox("plain");
      Map<String, AtomicInteger> byKeyDeduped = new ConcurrentHashMap<>();
      AtomicInteger plainCount = new AtomicInteger();
      dedup
          .channel(topo.channel())
          .subscribe(
              "deduped",
              s ->
                  byKeyDeduped
                      .computeIfAbsent(s.idempotencyKey(), k -> new AtomicInteger())
                      .incrementAndGet());
      plain.channel(topo.channel()).subscribe("plain", s -> plainCount.incrementAndGet());

      ReefChannel out = producer.channel(topo.channel());
      int keys = 20;
      for (int i = 0; i < keys; i++) {
        for (String to : new String[] {"deduped", "plain"}) {
          // Two distinct spores (an application retry creates a new id) with one key.
          for (int attempt = 0; attempt < 2; attempt++) {
            out.publish(
                    Spore.builder()
                        .type(SporeType.KNOWLEDGE)
                        .fromAgent("source")
                        .toAgent(to)
                        .idempotencyKey("order-" + i)
                        .knowledge(Map.of("attempt", attempt))
                        .build())
                .join();
          }
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> plainCount.get() == keys * 2);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> dedup.stats().total(SporeEvent.DUPLICATE) == keys);
      assertThat(byKeyDeduped).hasSize(keys);
      assertThat(byKeyDeduped.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      SUPPRESSED.addAndGet(keys);
    }
  }

  @Test
  void aRedeliveryAfterALostAcknowledgementIsHiddenWithTheWindowOn() {
    assertThat(redeliveriesSeenByHandler(1000)).as("with the window").isEqualTo(1);
    assertThat(redeliveriesSeenByHandler(0)).as("control without the window").isEqualTo(2);
  }

  /**
   * Handles one spore through a proxy and cuts the connection inside the handler, so the
   * acknowledgement is lost and the broker redelivers after recovery.
   *
   * @return how many times the handler saw the spore
   */
  private static int redeliveriesSeenByHandler(int window) {
    AtomicInteger seen = new AtomicInteger();
    AtomicBoolean cut = new AtomicBoolean();
    try (Topology topo = Topology.create("dedupack");
        TcpProxy proxy = TcpProxy.start(Brokers.uri().getHost(), Brokers.port())) {
      URI viaProxy = Brokers.via(proxy.host(), proxy.port());
      try (Reef producer = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
          Reef consumer =
              Reefs.amqp(
                  viaProxy,
                  topo.settings(),
                  ReefOptions.custom().deduplicationWindow(window).build())) {
        topo.mailbox("once");
        String id = topo.channel() + "-marker";
        consumer
            .channel(topo.channel())
            .subscribe(
                "once",
                s -> {
                  seen.incrementAndGet();
                  if (window > 0) {
                    LEDGER.delivered(s.id());
                  }
                  if (cut.compareAndSet(false, true)) {
                    proxy.cutAll(); // the acknowledgement that follows cannot reach the broker
                  }
                });
        producer
            .channel(topo.channel())
            .publish(
                Spore.builder()
                    .id(id)
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent("source")
                    .toAgent("once")
                    .knowledge(Map.of("k", 1))
                    .build())
            .join();
        if (window > 0) {
          LEDGER.sent();
          LEDGER.confirmed(id);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> consumer.stats().total(SporeEvent.DUPLICATE) >= 1);
          SUPPRESSED.incrementAndGet();
        } else {
          await().atMost(Duration.ofSeconds(30)).until(() -> seen.get() >= 2);
        }
        assertThat(proxy.cuts()).isEqualTo(1);
      }
    }
    return seen.get();
  }
}
