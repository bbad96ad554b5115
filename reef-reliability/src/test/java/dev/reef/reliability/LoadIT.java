package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.agents.ConsumerAgent;
import dev.reef.reliability.agents.ProducerAgent;
import dev.reef.reliability.support.BrokerControl;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.JvmProcess;
import dev.reef.reliability.support.RawAmqp;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Load: several producer JVMs and several consumer JVMs (competing consumers of one agent's
 * mailbox) for a bounded duration ({@code reliability.load.seconds}: 20 s in CI, 90 s with {@code
 * -Psoak}). Producers republish failed publishes; consumers report every handled spore and their
 * heap (MemoryMXBean) twice a second while running with a small fixed heap. Proves: no confirmed
 * spore lost even though one consumer JVM is killed halfway (a replacement joins), duplicates
 * counted (at-least-once), consumer heap bounded (no OutOfMemoryError in a 64 MiB heap; peak
 * reported).
 */
@ExtendWith(RabbitMqBroker.class)
class LoadIT {
  private static final int PRODUCERS = 2;
  private static final int CONSUMERS = 3;
  private static final int RATE_PER_PRODUCER = 500;
  private static final int CONSUMER_HEAP_MB = 64;
  private static final Pattern DONE =
      Pattern.compile(
          "DONE sent=(\\d+) confirmed=(\\d+) failures=(\\d+) count=(\\d+) settled=(\\w+)");

  @Test
  void severalProducerAndConsumerJvmsLoseNothingWithBoundedHeap() {
    int seconds = Integer.getInteger("reliability.load.seconds", 20);
    SporeLedger ledger =
        new SporeLedger(
            "Load: "
                + PRODUCERS
                + " producer + "
                + CONSUMERS
                + " consumer JVMs, "
                + seconds
                + " s");
    Map<String, Long> producerCounts = new ConcurrentHashMap<>();
    Map<String, Long> producerConfirmed = new ConcurrentHashMap<>();
    Map<String, Boolean> producerSettled = new ConcurrentHashMap<>();
    List<String> consumerStats = new CopyOnWriteArrayList<>();
    Set<String> gaveUp = ConcurrentHashMap.newKeySet();
    Map<String, AtomicLong> peakHeap = new ConcurrentHashMap<>();
    Map<String, AtomicLong> peakCommitted = new ConcurrentHashMap<>();
    Set<String> ready = ConcurrentHashMap.newKeySet();
    AtomicLong heapMax = new AtomicLong();

    try (Topology topo = Topology.create("load");
        Reef admin = Reefs.amqp(Brokers.uri(), topo.settings(), ReefOptions.ofDefaults());
        RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      String queue = topo.mailbox("worker");
      admin.channel(topo.channel()).declareMailbox("worker");
      List<JvmProcess> consumers = new ArrayList<>();
      List<JvmProcess> producers = new ArrayList<>();
      try {
        IntFunction<JvmProcess> startConsumer =
            c -> {
              String name = topo.channel() + "-consumer-" + c;
              peakHeap.put(name, new AtomicLong());
              peakCommitted.put(name, new AtomicLong());
              return JvmProcess.start(
                  name,
                  ConsumerAgent.class,
                  CONSUMER_HEAP_MB,
                  line -> {
                    if (line.startsWith("R ")) {
                      ledger.delivered(line.substring(2));
                    } else if (line.startsWith("HEAP ")) {
                      String[] p = line.split(" ");
                      peakHeap.get(name).accumulateAndGet(Long.parseLong(p[1]), Math::max);
                      peakCommitted.get(name).accumulateAndGet(Long.parseLong(p[2]), Math::max);
                      heapMax.set(Long.parseLong(p[3]));
                    } else if (line.equals("READY")) {
                      ready.add(name);
                    } else if (line.startsWith("STATS ")) {
                      consumerStats.add(name + ": " + line);
                    }
                  },
                  "channel=" + topo.channel(),
                  "agent=worker",
                  "prefetch=100",
                  "workMicros=100",
                  "dlx=" + topo.deadLetterExchange(),
                  "dlq=" + topo.deadLetterQueue());
            };
        for (int c = 0; c < CONSUMERS; c++) {
          consumers.add(startConsumer.apply(c));
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .untilAsserted(() -> assertThat(ready).hasSize(CONSUMERS));

        for (int p = 0; p < PRODUCERS; p++) {
          String prefix = topo.channel() + "-p" + p;
          producers.add(
              JvmProcess.start(
                  topo.channel() + "-producer-" + p,
                  ProducerAgent.class,
                  96,
                  line -> {
                    Matcher m = DONE.matcher(line);
                    if (m.matches()) {
                      ledger.sent(Long.parseLong(m.group(1)));
                      ledger.sendFailed(Long.parseLong(m.group(3)));
                      producerCounts.put(prefix, Long.parseLong(m.group(4)));
                      producerConfirmed.put(prefix, Long.parseLong(m.group(2)));
                      producerSettled.put(prefix, Boolean.parseBoolean(m.group(5)));
                    } else if (line.startsWith("GAVEUP ")) {
                      gaveUp.add(line.split(" ")[1]);
                    }
                  },
                  "channel=" + topo.channel(),
                  "from=producer" + p,
                  "to=worker",
                  "prefix=" + prefix,
                  "seconds=" + seconds,
                  "rate=" + RATE_PER_PRODUCER,
                  "dlx=" + topo.deadLetterExchange(),
                  "dlq=" + topo.deadLetterQueue()));
        }
        // Halfway through, one consumer JVM crashes (kill -9) and a replacement joins: what the
        // dead one held unacknowledged is redelivered (duplicates are counted, nothing is lost).
        long half = (long) PRODUCERS * RATE_PER_PRODUCER * seconds / 2;
        await()
            .atMost(Duration.ofSeconds(seconds + 60L))
            .until(() -> ledger.deliveryCount() >= half);
        consumers.get(0).kill();
        consumers.add(startConsumer.apply(CONSUMERS));

        for (JvmProcess producer : producers) {
          assertThat(producer.awaitExit(Duration.ofSeconds(seconds + 120L)))
              .as(producer.tail())
              .isZero();
        }
        assertThat(producerCounts).hasSize(PRODUCERS);
        assertThat(gaveUp).as("spores never confirmed").isEmpty();
        // Every spore a producer sent was confirmed before it reported (nothing left in flight).
        assertThat(producerSettled).allSatisfy((prefix, settled) -> assertThat(settled).isTrue());
        assertThat(producerConfirmed).isEqualTo(producerCounts);
        producerCounts.forEach(
            (prefix, count) -> {
              for (long i = 0; i < count; i++) {
                ledger.confirmed(prefix + "-" + i);
              }
            });

        try {
          await().atMost(Duration.ofSeconds(120)).until(() -> ledger.lostIds(1).isEmpty());
        } catch (ConditionTimeoutException e) {
          consumers.stream().filter(JvmProcess::isAlive).forEach(c -> c.send("DUMP"));
          await().atMost(Duration.ofSeconds(10)).until(() -> consumerStats.size() >= CONSUMERS);
          throw new AssertionError(
              "confirmed spores not delivered: "
                  + ledger.lostIds(20)
                  + " ("
                  + ledger.lostCount()
                  + " in all)\nqueues:\n"
                  + BrokerControl.describeQueues(topo.channel())
                  + "consumers:\n"
                  + String.join("\n", consumerStats),
              e);
        }
        assertThat(raw.messageCount(queue)).isZero();
        List<JvmProcess> survivors = consumers.subList(1, consumers.size());
        for (JvmProcess consumer : survivors) {
          assertThat(consumer.isAlive()).as(consumer.tail()).isTrue();
          consumer.send("STOP");
        }
        for (JvmProcess consumer : survivors) {
          assertThat(consumer.awaitExit(Duration.ofSeconds(30))).as(consumer.tail()).isZero();
        }
      } finally {
        producers.forEach(JvmProcess::close);
        consumers.forEach(JvmProcess::close);
      }
    }

    long peak = peakHeap.values().stream().mapToLong(AtomicLong::get).max().orElse(0);
    long committed = peakCommitted.values().stream().mapToLong(AtomicLong::get).max().orElse(0);
    assertThat(peak).as("consumer heap was measured").isPositive();
    assertThat(peak).isLessThanOrEqualTo(heapMax.get());
    assertThat(ledger.lostCount()).isZero();
    System.out.println(
        "[load] peak heap used per consumer JVM (MiB): "
            + peakHeap.entrySet().stream()
                .map(e -> e.getKey().replaceAll(".*-", "c") + "=" + mib(e.getValue().get()))
                .toList());
    ledger.report(
        String.format(
            "%d spores/s offered for %d s; one consumer JVM killed (kill -9) halfway and"
                + " replaced; consumer heap (MemoryMXBean) peak used %s MiB, peak"
                + " committed %s MiB, of -Xmx%dm; no OutOfMemoryError",
            PRODUCERS * RATE_PER_PRODUCER, seconds, mib(peak), mib(committed), CONSUMER_HEAP_MB));
  }

  private static String mib(long bytes) {
    return String.format("%.1f", bytes / (1024.0 * 1024.0));
  }
}
