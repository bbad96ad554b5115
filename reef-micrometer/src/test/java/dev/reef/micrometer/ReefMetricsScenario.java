package dev.reef.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.RequestTimeoutException;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.spi.ReefBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scripted run of a reef with {@link ReefMetrics}, then every meter and its tags; run against
 * each backend by a subclass (in memory, and AMQP on a real broker).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class ReefMetricsScenario {
  /** 2 attempts, 10 ms backoff. */
  static final RetryPolicy TWO_ATTEMPTS =
      RetryPolicy.custom()
          .maxAttempts(2)
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(20))
          .build();

  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  SimpleMeterRegistry meters;
  TestObservationRegistry observations;
  String channel;

  /** A new, unstarted backend on this test's transport. */
  abstract ReefBackend newBackend(RetryPolicy retryPolicy);

  @BeforeEach
  void registries() {
    meters = new SimpleMeterRegistry();
    observations = TestObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    channel =
        "metrics-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @AfterEach
  void close() {
    reefs.forEach(r -> r.close(Duration.ofSeconds(2)));
  }

  Reef reef(ReefMetrics metrics) {
    Reef reef =
        Reef.create(
            newBackend(TWO_ATTEMPTS),
            ReefOptions.custom()
                .defaultChannel(channel)
                .closeTimeout(Duration.ofSeconds(2))
                .observer(metrics)
                .build());
    reefs.add(reef);
    return reef;
  }

  private double count(String event, String agent, String type) {
    Counter c =
        meters
            .find(ReefMetrics.SPORES)
            .tags("event", event, "channel", channel, "agent", agent, "type", type)
            .counter();
    return c == null ? 0 : c.count();
  }

  private long timed(String name, String... tags) {
    Timer t = meters.find(name).tag("channel", channel).tags(tags).timer();
    return t == null ? 0 : t.count();
  }

  private double gauge(String name) {
    Gauge g = meters.find(name).gauge();
    return g == null ? Double.NaN : g.value();
  }

  @Test
  void aScriptedRunRecordsEveryMeterWithItsTags() throws Exception {
    scriptedRun(ReefMetrics.builder(meters).build());
  }

  @Test
  void throughAnObservationRegistryTheSameMetersComeFromObservations() throws Exception {
    scriptedRun(ReefMetrics.builder(meters).observationRegistry(observations).build());
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo(ReefMetrics.PROCESS)
        .that()
        .hasLowCardinalityKeyValue("channel", channel)
        .hasBeenStarted()
        .hasBeenStopped();
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo(ReefMetrics.ASK)
        .that()
        .hasLowCardinalityKeyValue("agent", "alice");
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo(ReefMetrics.PUBLISH)
        .that()
        .hasLowCardinalityKeyValue("type", "knowledge");
  }

  private void scriptedRun(ReefMetrics metrics) throws Exception {
    Reef reef = reef(metrics);
    CountDownLatch release = new CountDownLatch(1);
    reef.subscribe("bob", s -> {});
    reef.subscribe(
        "carol",
        s -> {
          throw new IllegalStateException("carol always fails");
        });
    reef.subscribe(
        "dave",
        s -> {
          if (s.type() == SporeType.REQUEST) {
            reef.reply(s, "dave", Map.of("a", 42));
          }
        });
    reef.subscribe(
        "erin",
        s -> {
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        });
    reef.declareMailbox("silent");

    for (int i = 0; i < 3; i++) {
      reef.send("alice", "bob", Map.of("n", i)).get(10, TimeUnit.SECONDS);
    }
    reef.send("alice", "carol", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
    assertThat(reef.ask("alice", "dave", Map.of("q", 1), Duration.ofSeconds(10)).get())
        .extracting(Spore::knowledge)
        .isEqualTo(Map.of("a", 42));
    Instant past = Instant.now().minusSeconds(60);
    reef.publish(
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .createdAt(past.minusSeconds(1))
            .expiresAt(past)
            .knowledge(Map.of("n", "expired"))
            .build());
    // Gauges while something is open: an ask nobody answers, a handler that waits.
    CompletableFuture<Spore> unanswered =
        reef.ask("alice", "silent", Map.of("q", 2), Duration.ofSeconds(3));
    reef.send("alice", "erin", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge(ReefMetrics.ASKS_PENDING) == 1.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gauge(ReefMetrics.HANDLERS_IN_FLIGHT) == 1.0);
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gauge(ReefMetrics.HANDLERS_IN_FLIGHT) == 0.0);
    await().atMost(Duration.ofSeconds(10)).until(unanswered::isDone);
    assertThat(unanswered)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(RequestTimeoutException.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("dead_lettered", "carol", "knowledge") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> count("expired", "bob", "knowledge") >= 1);
    assertThat(reef.awaitIdle(Duration.ofSeconds(10))).isTrue();

    // Settlement events (handled, dead_lettered) may follow the handlers' return: await them.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              // counters: event, channel, agent, type
              assertThat(count("sent", "alice", "knowledge"))
                  .isGreaterThanOrEqualTo(5); // 3 bob, carol, erin
              assertThat(count("sent", "alice", "request")).isEqualTo(2);
              assertThat(count("sent", "dave", "response")).isEqualTo(1);
              assertThat(count("delivered", "bob", "knowledge")).isEqualTo(3);
              assertThat(count("handled", "bob", "knowledge")).isEqualTo(3);
              assertThat(count("delivered", "carol", "knowledge")).isEqualTo(2);
              assertThat(count("retried", "carol", "knowledge")).isEqualTo(1);
              assertThat(count("handled", "carol", "knowledge")).isZero();
              assertThat(gauge(ReefMetrics.ASKS_PENDING)).isZero();

              // observations as timers: channel, agent, type, outcome (+ error)
              assertThat(
                      timed(
                          ReefMetrics.PROCESS,
                          "agent",
                          "bob",
                          "type",
                          "knowledge",
                          "outcome",
                          "success"))
                  .isEqualTo(3);
              assertThat(
                      timed(
                          ReefMetrics.PROCESS,
                          "agent",
                          "carol",
                          "outcome",
                          "failure",
                          "error",
                          "IllegalStateException"))
                  .isEqualTo(2);
              assertThat(
                      timed(
                          ReefMetrics.PUBLISH,
                          "agent",
                          "alice",
                          "type",
                          "knowledge",
                          "outcome",
                          "success"))
                  .isGreaterThanOrEqualTo(5);
              assertThat(timed(ReefMetrics.ASK, "agent", "alice", "outcome", "success"))
                  .isEqualTo(1);
              assertThat(timed(ReefMetrics.ASK, "agent", "alice", "outcome", "timeout"))
                  .isEqualTo(1);
              assertThat(timed(ReefMetrics.END_TO_END, "agent", "bob", "type", "knowledge"))
                  .isEqualTo(3);
              assertThat(timed(ReefMetrics.END_TO_END, "agent", "carol")).isZero();
            });
    assertThat(meters.find(ReefMetrics.PUBLISH).tag("error", "none").timers())
        .as("timers tagged as the Observation API tags them (error=none)")
        .isNotEmpty();
  }

  @Test
  void withoutTimersOnlyCountersAndGaugesAreRecorded() throws Exception {
    Reef reef = reef(ReefMetrics.builder(meters).timers(false).build());
    List<String> got = new CopyOnWriteArrayList<>();
    reef.subscribe("bob", s -> got.add(s.id()));

    reef.send("alice", "bob", Map.of("n", 1)).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> count("handled", "bob", "knowledge") == 1);
    assertThat(count("sent", "alice", "knowledge")).isEqualTo(1);
    assertThat(gauge(ReefMetrics.HANDLERS_IN_FLIGHT)).isZero();
    assertThat(meters.find(ReefMetrics.PUBLISH).timers()).isEmpty();
    assertThat(meters.find(ReefMetrics.PROCESS).timers()).isEmpty();
    assertThat(meters.find(ReefMetrics.END_TO_END).timers()).isEmpty();
  }

  @Test
  void agentTagsAreCappedAndLaterAgentsAreOther() throws Exception {
    ReefMetrics metrics = ReefMetrics.builder(meters).maxAgentTags(2).build();
    Reef reef = reef(metrics);
    List<String> got = new CopyOnWriteArrayList<>();
    reef.subscribe("a1", s -> got.add(s.id()));
    reef.subscribe("a2", s -> got.add(s.id()));
    reef.subscribe("a3", s -> got.add(s.id()));

    // alice is the first agent seen (sender), a1 the second; a2 and a3 are past the cap.
    reef.send("alice", "a1", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
    reef.send("alice", "a2", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
    reef.send("alice", "a3", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
    assertThat(reef.awaitIdle(Duration.ofSeconds(10))).isTrue();

    // HANDLED is counted once the spore is settled, which may follow the handler's return.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(count("handled", ReefMetrics.OTHER, "knowledge")).isEqualTo(2);
              assertThat(count("handled", "a1", "knowledge")).isEqualTo(1);
            });
    assertThat(meters.find(ReefMetrics.SPORES).tag("agent", "a3").counters()).isEmpty();
    assertThat(meters.find(ReefMetrics.SPORES).counters())
        .extracting(c -> c.getId().getTag("agent"))
        .containsOnly("alice", "a1", ReefMetrics.OTHER);
  }

  private double depth(String agent) {
    Gauge g =
        meters.find(ReefMetrics.MAILBOX_DEPTH).tags("channel", channel, "agent", agent).gauge();
    return g == null ? Double.NaN : g.value();
  }

  /** A handler's body that signals it started, then holds its delivery until released. */
  private static void holdUntil(CountDownLatch started, CountDownLatch release) {
    started.countDown();
    try {
      assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void theMailboxDepthGaugeShowsABacklogPerMailboxWithCappedAgentTags() throws Exception {
    Reef reef = reef(ReefMetrics.builder(meters).timers(false).maxAgentTags(2).build());
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    reef.subscribe("dave", s -> got.add(s.id()));
    reef.subscribe("erin", s -> holdUntil(first, release));
    try {
      // alice and dave take the two agent tags; erin, seen later, is "other"
      reef.send("alice", "dave", Map.of("n", 0)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
      int backlog = 4;
      for (int i = 0; i < backlog; i++) {
        reef.send("alice", "erin", Map.of("n", i)).get(10, TimeUnit.SECONDS);
      }
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
      // one in erin's handler, three waiting (in the mailbox, or prefetched and not yet handled)
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(depth(ReefMetrics.OTHER)).isEqualTo(backlog);
                assertThat(depth("dave")).isZero();
              });
      assertThat(meters.find(ReefMetrics.MAILBOX_DEPTH).tag("agent", "erin").gauges()).isEmpty();
    } finally {
      release.countDown();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> depth(ReefMetrics.OTHER) == 0);
    assertThat(reef.mailboxDepths().get(channel))
        .containsEntry("dave", 0L)
        .containsEntry("erin", 0L);
  }

  @Test
  void aPropagatingHandlerCarriesItsHeaderFromPublishToProcess() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    // A stand-in for a tracing bridge: injects on send, extracts on receive.
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<SenderContext<Object>>() {
              @Override
              public void onStart(SenderContext<Object> context) {
                context.getSetter().set(context.getCarrier(), "traceparent", "00-abc-def-01");
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return context instanceof SenderContext;
              }
            })
        .observationHandler(
            new ObservationHandler<ReceiverContext<Object>>() {
              @Override
              public void onStart(ReceiverContext<Object> context) {
                received.add(context.getGetter().get(context.getCarrier(), "traceparent"));
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return context instanceof ReceiverContext;
              }
            });
    Reef reef = reef(ReefMetrics.builder(meters).observationRegistry(observations).build());
    List<Spore> got = new CopyOnWriteArrayList<>();
    reef.subscribe("bob", got::add);

    reef.send("alice", "bob", Map.of("n", 1)).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    assertThat(got.get(0).metadata()).containsEntry("traceparent", "00-abc-def-01");
    assertThat(received).containsExactly("00-abc-def-01");
  }
}
