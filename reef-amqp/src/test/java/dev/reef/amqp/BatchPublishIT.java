package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.BatchResult;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.UnknownAgentException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AMQP batch path: a batch larger than the confirm window goes out in window-sized slices, a
 * directed spore the broker returns fails only its own outcome, and every permit of the window is
 * given back (a later batch and a single publish still get through). A slice's frames are written
 * with one socket flush ({@link WriteBatch}): batches from several threads interleaved with single
 * publishes from others, on the same connection and channels, lose nothing and settle every
 * outcome.
 */
@ExtendWith(RabbitMqBroker.class)
class BatchPublishIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int WINDOW = 8;

  private static Spore spore(String to, int n) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent(to)
        .knowledge(Map.of("n", n))
        .build();
  }

  /** A backend with its own dead-letter exchange and queue, deleted after the test. */
  private static AmqpBackend backend(TestBroker broker, int confirmWindow) {
    String dlx = TestBroker.unique("batch-dlx");
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(RabbitMqBroker.uri())
            .confirmWindow(confirmWindow)
            .deadLetterExchange(dlx)
            .deadLetterQueue(broker.deleteQueueAfter(dlx + ".q"))
            .build();
    broker.deleteExchangeAfter(dlx);
    return backend;
  }

  /** Subscribes bob on the channel; the numbers of the spores he handles, in arrival order. */
  private static List<Integer> bobReceives(TestBroker broker, AmqpBackend backend, ReefChannel ch) {
    broker.deleteExchangeAfter(backend.exchangeFor(ch.name()));
    broker.deleteQueueAfter(backend.mailboxQueueFor(ch.name(), "bob"));
    List<Integer> got = new CopyOnWriteArrayList<>();
    ch.subscribe("bob", s -> got.add(((Number) s.knowledge().get("n")).intValue()));
    return got;
  }

  @Test
  void aBatchLargerThanTheConfirmWindowIsPublishedInOrderWithPerSporeOutcomes(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("batch");
    AmqpBackend backend = backend(broker, WINDOW);
    try (Reef reef = Reef.create(backend)) {
      ReefChannel ch = reef.channel(channel);
      List<Integer> got = bobReceives(broker, backend, ch);

      int n = 5 * WINDOW + 3;
      int unknownAt = 2 * WINDOW + 1;
      List<Spore> batch = new ArrayList<>();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(spore(i == unknownAt ? "nobody" : "bob", i));
        if (i != unknownAt) {
          expected.add(i);
        }
      }

      BatchResult result = ch.publishAll(batch).get(WAIT.toSeconds(), TimeUnit.SECONDS);

      assertThat(result.size()).isEqualTo(n);
      assertThat(result.failures()).containsOnlyKeys(unknownAt);
      assertThat(result.failures().get(unknownAt)).isInstanceOf(UnknownAgentException.class);
      await().atMost(WAIT).until(() -> got.size() == expected.size());
      assertThat(got).containsExactlyElementsOf(expected);

      // Every permit came back: a second full batch and a single publish still go out.
      BatchResult again =
          ch.publishAll(batch.subList(0, unknownAt)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(again.allSucceeded()).isTrue();
      ch.publish(spore("bob", -1)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> got.size() == expected.size() + unknownAt + 1);
      assertThat(reef.awaitIdle(WAIT)).isTrue();
    }
  }

  @Test
  void batchesInterleavedWithSinglePublishesFromOtherThreadsLoseNothing(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("batch-mix");
    int batchThreads = 2;
    int batches = 10;
    int batchSize = 60;
    int unknownAt = 7;
    int singleThreads = 3;
    int singles = 300;
    // The default two publishing channels on the one publishing connection: batch and single
    // threads share the connection and, some of them, a channel.
    AmqpBackend backend = backend(broker, 4 * batchSize);
    ExecutorService threads = Executors.newFixedThreadPool(batchThreads + singleThreads);
    try (Reef reef = Reef.create(backend)) {
      ReefChannel ch = reef.channel(channel);
      List<Integer> got = bobReceives(broker, backend, ch);

      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<BatchResult>>> batchRuns = new ArrayList<>();
      for (int t = 0; t < batchThreads; t++) {
        int base = t * batches * batchSize;
        batchRuns.add(
            threads.submit(
                () -> {
                  start.await();
                  List<BatchResult> results = new ArrayList<>();
                  for (int b = 0; b < batches; b++) {
                    List<Spore> batch = new ArrayList<>();
                    for (int i = 0; i < batchSize; i++) {
                      int n = base + b * batchSize + i;
                      batch.add(spore(i == unknownAt ? "nobody" : "bob", n));
                    }
                    results.add(ch.publishAll(batch).get(WAIT.toSeconds(), TimeUnit.SECONDS));
                  }
                  return results;
                }));
      }
      int singleBase = batchThreads * batches * batchSize;
      List<Future<List<CompletableFuture<Spore>>>> singleRuns = new ArrayList<>();
      for (int t = 0; t < singleThreads; t++) {
        int base = singleBase + t * singles;
        singleRuns.add(
            threads.submit(
                () -> {
                  start.await();
                  List<CompletableFuture<Spore>> sent = new ArrayList<>();
                  for (int i = 0; i < singles; i++) {
                    sent.add(ch.publish(spore("bob", base + i)));
                  }
                  return sent;
                }));
      }
      start.countDown();

      for (Future<List<BatchResult>> run : batchRuns) {
        List<BatchResult> results = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(results).hasSize(batches);
        for (BatchResult r : results) {
          assertThat(r.size()).isEqualTo(batchSize);
          assertThat(r.failures()).containsOnlyKeys(unknownAt);
          assertThat(r.failures().get(unknownAt)).isInstanceOf(UnknownAgentException.class);
        }
      }
      for (Future<List<CompletableFuture<Spore>>> run : singleRuns) {
        for (CompletableFuture<Spore> f : run.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
          assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull();
        }
      }

      List<Integer> expected = new ArrayList<>();
      for (int n = 0; n < singleBase; n++) {
        if (n % batchSize != unknownAt) {
          expected.add(n);
        }
      }
      for (int n = singleBase; n < singleBase + singleThreads * singles; n++) {
        expected.add(n);
      }
      await().atMost(WAIT).until(() -> got.size() >= expected.size());
      assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(reef.awaitIdle(WAIT)).isTrue();
    } finally {
      threads.shutdownNow();
    }
  }
}
