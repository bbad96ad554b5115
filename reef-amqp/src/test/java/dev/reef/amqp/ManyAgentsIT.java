package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many agents in one JVM (issue 13, item 7): mailbox consumers share channels, so 10,000 agents
 * subscribe on one backend (one channel per mailbox stopped at the broker's channel_max, ~2,044),
 * each reachable; and subscribing 1,000 agents stays within the channel and thread budget of
 * docs/performance.md.
 */
@ExtendWith(RabbitMqBroker.class)
class ManyAgentsIT {
  /** The name of this test's own threads (not counted in the budget). */
  private static final String TEST_THREAD = "many-agents-it";

  /** Threads subscribing at once (and deleting the queues after). */
  private static final int SUBSCRIBERS = 16;

  /** AMQP channels one backend may open to subscribe 1,000 agents (docs/performance.md). */
  static final int CHANNEL_BUDGET_PER_1000 = 1000 / ConsumerChannels.MAILBOXES_PER_CHANNEL + 32;

  /** Threads one backend may start to subscribe 1,000 agents (docs/performance.md). */
  static final int THREAD_BUDGET_PER_1000 = 8;

  @Test
  void oneThousandAgentsStayWithinTheChannelAndThreadBudget(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("many");
    broker.deleteExchangeAfter("reef." + channel);
    AmqpBackend b = AmqpBackend.builder().uri(broker.uri()).build();
    b.start((e, c, a, s, err) -> {});
    List<String> agents = names(1_000);
    try {
      int channelsBefore = b.channelsOpened();
      int threadsBefore = threads();
      long ms = subscribe(b, channel, agents, new ConcurrentHashMap<>());
      int channels = b.channelsOpened() - channelsBefore;
      int threads = threads() - threadsBefore;
      System.out.printf(
          "ManyAgentsIT: 1,000 agents subscribed in %d ms; %d channels opened (%d consumer"
              + " channels open), %d more threads%n",
          ms, channels, b.consumerChannelsOpen(), threads);
      assertThat(channels).isLessThanOrEqualTo(CHANNEL_BUDGET_PER_1000);
      // concurrent subscribers may each open a channel when all are full
      assertThat(b.consumerChannelsOpen())
          .isBetween(
              1000 / ConsumerChannels.MAILBOXES_PER_CHANNEL + 1,
              1000 / ConsumerChannels.MAILBOXES_PER_CHANNEL + SUBSCRIBERS);
      assertThat(threads).isLessThanOrEqualTo(THREAD_BUDGET_PER_1000);
      reach(b, channel, agents.subList(0, 20));
      b.close(Duration.ofSeconds(10));

      // A restart: the mailboxes exist; subscribing again is what the client and broker cost.
      b = AmqpBackend.builder().uri(broker.uri()).build();
      b.start((e, c, a, s, err) -> {});
      long again = subscribe(b, channel, agents, new ConcurrentHashMap<>());
      AmqpBackend one = AmqpBackend.builder().uri(broker.uri()).build();
      one.start((e, c, a, s, err) -> {});
      long t0 = System.nanoTime();
      try {
        for (String agent : agents) {
          one.consume(channel, agent, (s, n) -> CompletableFuture.completedFuture(null));
        }
      } catch (IllegalStateException expected) {
        // not reached: another backend may consume the same mailbox
      } finally {
        one.close(Duration.ofSeconds(10));
      }
      System.out.printf(
          "ManyAgentsIT: 1,000 existing mailboxes subscribed again in %d ms (16 threads), %d ms"
              + " (one thread)%n",
          again, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      b.close(Duration.ofSeconds(10));
      deleteQueues(broker, channel, agents);
    }
  }

  @Test
  void tenThousandAgentsSubscribeInOneJvmAndEachIsReachable(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("many");
    broker.deleteExchangeAfter("reef." + channel);
    AmqpBackend b = AmqpBackend.builder().uri(broker.uri()).build();
    Map<String, Set<String>> got = new ConcurrentHashMap<>();
    b.start((e, c, a, s, err) -> {});
    List<String> agents = names(10_000);
    try {
      Runtime rt = Runtime.getRuntime();
      System.gc();
      long heapBefore = rt.totalMemory() - rt.freeMemory();
      int threadsBefore = threads();
      long first = subscribe(b, channel, agents.subList(0, 1_000), got);
      long rest = subscribe(b, channel, agents.subList(1_000, agents.size()), got);
      System.gc();
      long heap = rt.totalMemory() - rt.freeMemory() - heapBefore;
      System.out.printf(
          "ManyAgentsIT: 10,000 agents subscribed (first 1,000 in %d ms, all in %d ms); %d"
              + " channels opened, %d consumer channels open, %d more threads, ~%d KiB more heap%n",
          first,
          first + rest,
          b.channelsOpened(),
          b.consumerChannelsOpen(),
          threads() - threadsBefore,
          heap / 1024);
      assertThat(b.consumerChannelsOpen()).isLessThan(2_047 / 4);
      List<String> sample = new ArrayList<>();
      for (int i = 0; i < agents.size(); i += 97) {
        sample.add(agents.get(i));
      }
      sample.add(agents.get(agents.size() - 1));
      reach(b, channel, sample, got);
    } finally {
      b.close(Duration.ofSeconds(30));
      deleteQueues(broker, channel, agents);
    }
  }

  @Test
  void aSlowHandlerDoesNotHoldUpTheOtherMailboxesOnItsChannel(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("many");
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteQueueAfter("reef." + channel + ".slow");
    broker.deleteQueueAfter("reef." + channel + ".quick");
    AmqpBackend b = AmqpBackend.builder().uri(broker.uri()).build();
    b.start((e, c, a, s, err) -> {});
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch slowStarted = new java.util.concurrent.CountDownLatch(1);
    Map<String, Set<String>> got = new ConcurrentHashMap<>();
    try {
      b.consume(
          channel,
          "slow",
          (spore, attempt) -> {
            slowStarted.countDown();
            try {
              release.await(); // a synchronous handler that blocks its thread
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
          });
      b.consume(
          channel,
          "quick",
          (spore, attempt) -> {
            got.computeIfAbsent("quick", k -> ConcurrentHashMap.newKeySet()).add(spore.id());
            return CompletableFuture.completedFuture(null);
          });
      assertThat(b.consumerChannelsOpen()).as("both mailboxes share one channel").isEqualTo(1);
      reach(b, channel, List.of("slow"));
      assertThat(slowStarted.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      reach(b, channel, List.of("quick", "quick", "quick"), got);
    } finally {
      release.countDown();
      b.close(Duration.ofSeconds(10));
    }
  }

  /** The live threads, except this test's own subscribing and deleting threads. */
  private static int threads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !t.getName().equals(TEST_THREAD))
            .count();
  }

  private static List<String> names(int n) {
    List<String> agents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      agents.add("agent-" + i);
    }
    return agents;
  }

  /** Subscribes the agents from {@link #SUBSCRIBERS} threads; the time it took in ms. */
  private static long subscribe(
      AmqpBackend b, String channel, List<String> agents, Map<String, Set<String>> got)
      throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(SUBSCRIBERS, r -> new Thread(r, TEST_THREAD));
    long t0 = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String agent : agents) {
        done.add(
            pool.submit(
                () ->
                    b.consume(
                        channel,
                        agent,
                        (spore, attempt) -> {
                          got.computeIfAbsent(agent, k -> ConcurrentHashMap.newKeySet())
                              .add(spore.id());
                          return CompletableFuture.completedFuture(null);
                        })));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return ms;
  }

  private static void reach(AmqpBackend b, String channel, List<String> agents) throws Exception {
    reach(b, channel, agents, null);
  }

  /** Sends a spore to each agent and waits until each received it (when {@code got} is given). */
  private static void reach(
      AmqpBackend b, String channel, List<String> agents, Map<String, Set<String>> got)
      throws Exception {
    List<CompletableFuture<Spore>> sent = new ArrayList<>();
    for (String agent : agents) {
      sent.add(b.publish(channel, sporeTo(agent)));
    }
    for (int i = 0; i < sent.size(); i++) {
      String id = sent.get(i).get().id();
      if (got != null) {
        String agent = agents.get(i);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> got.getOrDefault(agent, Set.of()).contains(id));
      }
    }
  }

  /** A knowledge spore from {@code sender} to the agent. */
  static Spore sporeTo(String agent) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("sender")
        .toAgent(agent)
        .knowledge(Map.of("to", agent))
        .build();
  }

  /** Deletes the mailbox queues from {@link #SUBSCRIBERS} channels in parallel. */
  private static void deleteQueues(TestBroker broker, String channel, List<String> agents)
      throws Exception {
    Connection c = broker.connection();
    ExecutorService pool =
        Executors.newFixedThreadPool(SUBSCRIBERS, r -> new Thread(r, TEST_THREAD));
    try {
      List<Future<?>> done = new ArrayList<>();
      int per = (agents.size() + SUBSCRIBERS - 1) / SUBSCRIBERS;
      for (int i = 0; i < agents.size(); i += per) {
        List<String> part = agents.subList(i, Math.min(agents.size(), i + per));
        done.add(
            pool.submit(
                () -> {
                  try (Channel ch = c.createChannel()) {
                    for (String agent : part) {
                      ch.queueDelete("reef." + channel + "." + agent);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }
}
