package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.AuthorizationRequest;
import dev.reef.DeadLetterRecord;
import dev.reef.DeadLetters;
import dev.reef.ErrorResponses;
import dev.reef.GatherOptions;
import dev.reef.GatherResult;
import dev.reef.RateLimit;
import dev.reef.Reef;
import dev.reef.ReefAction;
import dev.reef.ReefChannel;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.ReefOptions;
import dev.reef.RemoteFailureException;
import dev.reef.RequestTimeoutException;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeHandler;
import dev.reef.SporeType;
import dev.reef.SubscribeMode;
import dev.reef.Subscription;
import dev.reef.UnauthorizedException;
import dev.reef.UnknownAgentException;
import dev.reef.spi.BackendListener;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetteredException;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery semantics of docs/design.md#delivery-semantics, as tests every {@link ReefBackend}
 * must pass unchanged.
 *
 * <p>A backend module runs it by extending this class and implementing {@link
 * #newBackend(RetryPolicy)}. Every backend created during one test must share one transport (one
 * in-memory hub, one broker), so that a second backend acts as a second process. Tests use unique
 * channel and agent names and close every reef they create; they need no backend-specific
 * inspection (backend events are observed through {@link RecordingBackend}).
 *
 * <p>Hooks: {@link #awaitTimeout()} (how long to wait for something that should happen) and {@link
 * #quietPeriod()} (how long to watch for something that should not happen).
 *
 * <p>Over 450 lines because it is one class on purpose: a backend runs every rule by extending one
 * class, and the rules are grouped by section (routing, priority, expiry, retries, asks and
 * gathers, dead letters, consume paths) in the order of docs/design.md.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ReefConformanceSuite {

  /** The retry policy of {@link #newBackend()}: 3 attempts, 10 ms backoff doubling to 40 ms. */
  protected static final RetryPolicy FAST_RETRIES =
      RetryPolicy.custom()
          .maxAttempts(3)
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(40))
          .build();

  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  private final List<RecordingBackend> backends = new CopyOnWriteArrayList<>();
  private final List<ReefBackend> bareBackends = new CopyOnWriteArrayList<>();
  private String testId;

  /**
   * A new, unstarted backend on this test's shared transport.
   *
   * @param retryPolicy how the backend retries failed deliveries to its consumers
   * @return the backend
   */
  protected abstract ReefBackend newBackend(RetryPolicy retryPolicy);

  /**
   * A new backend with {@link #FAST_RETRIES}.
   *
   * @return the backend
   */
  protected ReefBackend newBackend() {
    return newBackend(FAST_RETRIES);
  }

  /**
   * How long to wait for something that should happen.
   *
   * @return default 10 s
   */
  protected Duration awaitTimeout() {
    return Duration.ofSeconds(10);
  }

  /**
   * How long to watch for something that should not happen (after the reef is idle).
   *
   * @return default 200 ms
   */
  protected Duration quietPeriod() {
    return Duration.ofMillis(200);
  }

  @BeforeEach
  void newTestId() {
    testId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @AfterEach
  void closeReefs() {
    for (Reef reef : reefs) {
      reef.close(Duration.ofSeconds(2));
    }
    reefs.clear();
    backends.clear();
    for (ReefBackend backend : bareBackends) {
      backend.close(Duration.ofSeconds(2));
    }
    bareBackends.clear();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * A unique name for this test.
   *
   * @param prefix a readable prefix
   * @return {@code prefix-<random>}
   */
  protected String unique(String prefix) {
    return prefix + "-" + testId;
  }

  /**
   * A reef on a new backend, closed after the test, with a unique default channel.
   *
   * @return the reef
   */
  protected Reef newReef() {
    return newReef(options().build(), FAST_RETRIES);
  }

  /**
   * A reef with the given options on a new backend with the given retry policy.
   *
   * @param options the options
   * @param retryPolicy the backend's retry policy
   * @return the reef
   */
  protected Reef newReef(ReefOptions options, RetryPolicy retryPolicy) {
    RecordingBackend backend = new RecordingBackend(newBackend(retryPolicy));
    Reef reef = Reef.create(backend, options);
    reefs.add(reef);
    backends.add(backend);
    return reef;
  }

  /**
   * Options with this test's unique default channel and a 2 s close timeout.
   *
   * @return a builder
   */
  protected ReefOptions.Builder options() {
    return ReefOptions.custom().defaultChannel(unique("ch")).closeTimeout(Duration.ofSeconds(2));
  }

  /**
   * A started backend without a reef, recording its events, closed after the test: for tests of the
   * SPI contract itself (what a backend does with a {@link MailboxConsumer}).
   */
  private RecordingBackend startedBackend() {
    RecordingBackend backend = new RecordingBackend(newBackend());
    backend.start(BackendListener.NONE);
    bareBackends.add(backend);
    return backend;
  }

  private RecordingBackend recorder(int index) {
    return backends.get(index);
  }

  private long total(SporeEvent event) {
    return reefs.stream().mapToLong(r -> r.stats().total(event)).sum();
  }

  private void awaitIdle(Reef... rs) {
    for (Reef r : rs) {
      assertThat(r.awaitIdle(awaitTimeout())).as("reef idle").isTrue();
    }
  }

  /** Waits until the reefs are idle, then watches for a quiet period. */
  private void settle(Reef... rs) {
    awaitIdle(rs);
    long until = System.nanoTime() + quietPeriod().toNanos();
    await()
        .atMost(quietPeriod().plusSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> System.nanoTime() - until >= 0);
    awaitIdle(rs);
  }

  private static Map<String, Object> k(String key, Object value) {
    return Map.of(key, value);
  }

  private Throwable failureOf(CompletableFuture<?> f) {
    try {
      f.get(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("future did not fail in time: " + e, e);
    }
    throw new AssertionError("future completed normally, expected a failure");
  }

  private <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete normally: " + e, e);
    }
  }

  private void awaitSize(Inbox inbox, int n) {
    await().atMost(awaitTimeout()).until(() -> inbox.size() >= n);
    assertThat(inbox.size()).isEqualTo(n);
  }

  // ---------------------------------------------------------------- routing

  @Test
  void directedSporeReachesOnlyItsRecipient() {
    Reef reef = newReef();
    Inbox a = new Inbox();
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    reef.subscribe("alice", a);
    reef.subscribe("bob", b);
    reef.subscribe("carol", c);

    Spore sent = join(reef.send("alice", "bob", k("n", 1)));

    awaitSize(b, 1);
    settle(reef);
    assertThat(b.spores()).containsExactly(sent);
    assertThat(a.size()).isZero();
    assertThat(c.size()).isZero();
  }

  @Test
  void sporeArrivesWithEveryField() {
    Reef reef = newReef();
    Inbox b = new Inbox();
    reef.subscribe("bob", b);
    Spore spore =
        Spore.builder()
            .type(SporeType.NOTIFICATION)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(Map.of("text", "hi", "nested", Map.of("list", List.of(1, 2, 3))))
            .priority(7)
            .expiresIn(Duration.ofMinutes(10))
            .metadata(Map.of("m", "v"))
            .knowledgeReferences(List.of("mem-1"))
            .dataReferences(List.of("s3://bucket/x"))
            .correlationId("corr-1")
            .causationId("cause-1")
            .traceId("trace-1")
            .runId("run-1")
            .idempotencyKey("idem-1")
            .build();

    reef.publish(spore);

    awaitSize(b, 1);
    Spore got = b.spores().get(0);
    assertThat(got.id()).isEqualTo(spore.id());
    assertThat(got.type()).isEqualTo(SporeType.NOTIFICATION);
    assertThat(got.fromAgent()).isEqualTo("alice");
    assertThat(got.toAgent()).isEqualTo("bob");
    assertThat(got.knowledge()).isEqualTo(spore.knowledge());
    assertThat(got.priority()).isEqualTo(7);
    assertThat(got.createdAt().toEpochMilli()).isEqualTo(spore.createdAt().toEpochMilli());
    assertThat(got.expiresAt().toEpochMilli()).isEqualTo(spore.expiresAt().toEpochMilli());
    // plus the W3C trace context the reef adds (TraceConformanceSuite)
    assertThat(got.metadata())
        .containsAllEntriesOf(spore.metadata())
        .containsKey("traceparent")
        .hasSize(spore.metadata().size() + 1);
    assertThat(got.knowledgeReferences()).containsExactly("mem-1");
    assertThat(got.dataReferences()).containsExactly("s3://bucket/x");
    assertThat(got.correlationId()).isEqualTo("corr-1");
    assertThat(got.causationId()).isEqualTo("cause-1");
    assertThat(got.traceId()).isEqualTo("trace-1");
    assertThat(got.runId()).isEqualTo("run-1");
    assertThat(got.idempotencyKey()).isEqualTo("idem-1");
  }

  @Test
  void undirectedSporeReachesEveryOtherAgentOnceAndNeverTheSender() {
    Reef reef = newReef();
    Inbox a = new Inbox();
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    reef.subscribe("alice", a);
    reef.subscribe("bob", b);
    reef.subscribe("carol", c);

    Spore sent = join(reef.broadcast("alice", k("news", "x")));

    awaitSize(b, 1);
    awaitSize(c, 1);
    settle(reef);
    assertThat(b.spores()).containsExactly(sent);
    assertThat(c.spores()).containsExactly(sent);
    assertThat(a.size()).as("the sender never receives its own broadcast").isZero();
  }

  @Test
  void undirectedSporeOfAnyTypeIsBroadcast() {
    Reef reef = newReef();
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    reef.subscribe("bob", b);
    reef.subscribe("carol", c);

    reef.publish(
        Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("alice").knowledge(k("n", 1)).build());

    awaitSize(b, 1);
    awaitSize(c, 1);
    assertThat(b.spores().get(0).type()).isEqualTo(SporeType.KNOWLEDGE);
  }

  @Test
  void broadcastReachesAgentsOfOtherReefsOnTheSameTransport() {
    Reef one = newReef();
    Reef two = newReef();
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    one.subscribe("bob", b);
    two.subscribe("carol", c);

    one.broadcast("alice", k("n", 1));
    two.send("carol", "bob", k("n", 2));

    await().atMost(awaitTimeout()).until(() -> b.size() == 2 && c.size() == 1);
    settle(one, two);
    assertThat(b.values("n")).containsExactlyInAnyOrder(1, 2);
    assertThat(c.values("n")).containsExactly(1);
  }

  @Test
  void systemBroadcastReachesEveryAgent() {
    Reef reef = newReef();
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    reef.subscribe("bob", b);
    reef.subscribe("carol", c);

    Spore sent = join(reef.systemBroadcast(k("notice", "maintenance")));

    assertThat(sent.fromAgent()).isEqualTo(reef.options().systemAgent());
    assertThat(sent.type()).isEqualTo(SporeType.BROADCAST);
    awaitSize(b, 1);
    awaitSize(c, 1);
  }

  @Test
  void channelsAreSeparate() {
    Reef reef = newReef();
    ReefChannel other = reef.channel(unique("other"));
    Inbox onDefault = new Inbox();
    Inbox onOther = new Inbox();
    reef.subscribe("bob", onDefault);
    other.subscribe("bob", onOther);

    reef.send("alice", "bob", k("where", "default"));
    other.send("alice", "bob", k("where", "other"));
    other.broadcast("alice", k("where", "other-broadcast"));

    await().atMost(awaitTimeout()).until(() -> onDefault.size() == 1 && onOther.size() == 2);
    settle(reef);
    assertThat(onDefault.values("where")).containsExactly("default");
    assertThat(onOther.values("where")).containsExactlyInAnyOrder("other", "other-broadcast");
  }

  // ---------------------------------------------------------------- acceptance, unknown agent

  @Test
  void acceptanceFutureCompletesWithThePublishedSpore() {
    Reef reef = newReef();
    reef.declareMailbox("bob");

    Spore sent = join(reef.send("alice", "bob", k("n", 1)));

    assertThat(sent.fromAgent()).isEqualTo("alice");
    assertThat(sent.toAgent()).isEqualTo("bob");
    assertThat(sent.type()).isEqualTo(SporeType.KNOWLEDGE);
    assertThat(sent.knowledge()).isEqualTo(k("n", 1));
    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "alice", SporeEvent.SENT) == 1);
  }

  @Test
  void directedSporeToAnUnknownAgentFailsWithUnknownAgentException() {
    Reef reef = newReef();
    String nobody = unique("nobody");

    Throwable error = failureOf(reef.send("alice", nobody, k("n", 1)));

    assertThat(error).isInstanceOf(UnknownAgentException.class);
    assertThat(((UnknownAgentException) error).agent()).isEqualTo(nobody);
    assertThat(((UnknownAgentException) error).channel()).isEqualTo(reef.name());
    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "alice", SporeEvent.SEND_FAILED) == 1);
  }

  @Test
  void mailboxOfAnAgentOnOneChannelDoesNotMakeItKnownOnAnother() {
    Reef reef = newReef();
    reef.subscribe("bob", new Inbox());
    ReefChannel other = reef.channel(unique("other"));

    assertThat(failureOf(other.send("alice", "bob", k("n", 1))))
        .isInstanceOf(UnknownAgentException.class);
  }

  @Test
  void declaredMailboxKeepsSporesWhileTheAgentIsOffline() {
    Reef sender = newReef();
    sender.declareMailbox("bob");
    assertThat(sender.agents()).contains("bob");
    for (int i = 0; i < 3; i++) {
      join(sender.send("alice", "bob", k("n", i)));
    }

    Reef receiver = newReef();
    Inbox b = new Inbox();
    receiver.subscribe("bob", b);

    awaitSize(b, 3);
    assertThat(b.values("n")).containsExactly(0, 1, 2);
  }

  @Test
  void unsubscribedAgentsMailboxKeepsItsSpores() {
    Reef reef = newReef();
    Inbox first = new Inbox();
    reef.subscribe("bob", first);
    reef.send("alice", "bob", k("n", 1));
    awaitSize(first, 1);

    reef.unsubscribe("bob");
    join(reef.send("alice", "bob", k("n", 2)));
    settle(reef);
    assertThat(first.size()).isEqualTo(1);

    Inbox second = new Inbox();
    reef.subscribe("bob", second);
    awaitSize(second, 1);
    assertThat(second.values("n")).containsExactly(2);
  }

  // ---------------------------------------------------------------- priority and order

  /**
   * Protected so that a backend configuration without priorities (quorum queues before RabbitMQ
   * 4.0) can replace it with a test of its own whose name gives the reason.
   */
  @Test
  protected void backlogIsDeliveredByPriorityThenInPublishOrder() {
    Reef reef = newReef();
    reef.declareMailbox("bob");
    int[] priorities = {1, 1, 1, 10, 10, 10, 5, 5, 5};
    for (int i = 0; i < priorities.length; i++) {
      join(
          reef.publish(
              Spore.builder()
                  .type(SporeType.KNOWLEDGE)
                  .fromAgent("alice")
                  .toAgent("bob")
                  .priority(priorities[i])
                  .knowledge(k("n", i))
                  .build()));
    }

    Inbox b = new Inbox();
    reef.subscribe("bob", b);

    awaitSize(b, priorities.length);
    assertThat(b.values("n")).containsExactly(3, 4, 5, 6, 7, 8, 0, 1, 2);
  }

  @Test
  void sporesFromOneSenderArriveInPublishOrder() throws Exception {
    Reef reef = newReef();
    Inbox b = new Inbox();
    reef.subscribe("bob", b);
    int n = 300;
    Thread other =
        new Thread(
            () -> {
              for (int i = 0; i < n; i++) {
                reef.send("carol", "bob", k("carol", i));
              }
            });
    other.start();
    for (int i = 0; i < n; i++) {
      reef.send("alice", "bob", k("alice", i));
    }
    other.join();

    awaitSize(b, 2 * n);
    List<Integer> expected = IntStream.range(0, n).boxed().collect(Collectors.toList());
    assertThat(b.spores().stream().filter(s -> s.fromAgent().equals("alice")))
        .extracting(s -> s.knowledge().get("alice"))
        .containsExactlyElementsOf(expected);
    assertThat(b.spores().stream().filter(s -> s.fromAgent().equals("carol")))
        .extracting(s -> s.knowledge().get("carol"))
        .containsExactlyElementsOf(expected);
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void sporeExpiredAtPublishIsNeverHandledAndIsCounted() {
    Reef reef = newReef();
    Inbox b = new Inbox();
    reef.subscribe("bob", b);
    Instant past = Instant.now().minusSeconds(60);

    reef.publish(
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .createdAt(past.minusSeconds(1))
            .expiresAt(past)
            .knowledge(k("n", "expired"))
            .build());
    reef.send("alice", "bob", k("n", "fresh"));

    awaitSize(b, 1);
    await().atMost(awaitTimeout()).until(() -> total(SporeEvent.EXPIRED) >= 1);
    settle(reef);
    assertThat(b.values("n")).containsExactly("fresh");
  }

  @Test
  void sporeThatExpiresWhileWaitingIsNeverHandledAndIsCounted() {
    Reef reef = newReef();
    reef.declareMailbox("bob");
    Spore shortLived =
        join(
            reef.publish(
                Spore.builder()
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent("alice")
                    .toAgent("bob")
                    .expiresIn(Duration.ofMillis(100))
                    .knowledge(k("n", "expired"))
                    .build()));
    join(reef.send("alice", "bob", k("n", "fresh")));
    await().atMost(awaitTimeout()).until(() -> shortLived.isExpired(Instant.now().minusMillis(50)));

    Inbox b = new Inbox();
    reef.subscribe("bob", b);

    awaitSize(b, 1);
    await().atMost(awaitTimeout()).until(() -> total(SporeEvent.EXPIRED) >= 1);
    settle(reef);
    assertThat(b.values("n")).containsExactly("fresh");
  }

  // ---------------------------------------------------------------- acknowledgement, retries

  @Test
  void sporeIsRedeliveredUntilEverySyncHandlerSucceeds() {
    Reef reef = newReef();
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    reef.subscribe("bob", s -> first.incrementAndGet());
    reef.subscribe(
        "bob",
        s -> {
          if (second.incrementAndGet() == 1) {
            throw new IllegalStateException("first attempt fails");
          }
        });

    reef.send("alice", "bob", k("n", 1));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED) == 1);
    settle(reef);
    assertThat(first.get()).as("every handler runs on each attempt").isEqualTo(2);
    assertThat(second.get()).isEqualTo(2);
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.RETRIED)).isEqualTo(1);
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.DEAD_LETTERED)).isZero();
  }

  @Test
  void sporeIsSettledOnlyWhenTheAsyncHandlersStageCompletes() {
    Reef reef = newReef();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    reef.subscribeAsync(
        "bob",
        s -> {
          calls.incrementAndGet();
          return gate;
        });

    reef.send("alice", "bob", k("n", 1));

    await().atMost(awaitTimeout()).until(() -> calls.get() == 1);
    assertThat(reef.awaitIdle(quietPeriod())).as("not idle while the stage is open").isFalse();
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED)).isZero();

    gate.complete(null);

    awaitIdle(reef);
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED)).isEqualTo(1);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void failedAsyncStageCausesRedeliveryToEveryHandler() {
    Reef reef = newReef();
    AtomicInteger syncCalls = new AtomicInteger();
    AtomicInteger asyncCalls = new AtomicInteger();
    reef.subscribe("bob", s -> syncCalls.incrementAndGet());
    reef.subscribeAsync(
        "bob",
        s ->
            asyncCalls.incrementAndGet() == 1
                ? CompletableFuture.supplyAsync(
                    () -> {
                      throw new IllegalStateException("async failure");
                    })
                : CompletableFuture.completedFuture(null));

    reef.send("alice", "bob", k("n", 1));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED) == 1);
    settle(reef);
    assertThat(asyncCalls.get()).isEqualTo(2);
    assertThat(syncCalls.get()).isEqualTo(2);
  }

  @Test
  void handlerThatKeepsFailingIsRetriedThenDeadLetteredWithTheError() {
    Reef reef = newReef();
    AtomicInteger calls = new AtomicInteger();
    String marker = unique("boom");
    reef.subscribe(
        "bob",
        s -> {
          calls.incrementAndGet();
          throw new IllegalStateException(marker);
        });

    Spore poison = join(reef.send("alice", "bob", k("n", 1)));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.DEAD_LETTERED) == 1);
    settle(reef);
    assertThat(calls.get()).isEqualTo(FAST_RETRIES.maxAttempts());
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.RETRIED))
        .isEqualTo(FAST_RETRIES.maxAttempts() - 1);
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED)).isZero();
    List<RecordingBackend.Event> dead = recorder(0).events(SporeEvent.DEAD_LETTERED);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).sporeId()).isEqualTo(poison.id());
    assertThat(dead.get(0).error()).isNotNull();
    assertThat(dead.get(0).error().getMessage()).contains(marker);
  }

  @Test
  void failedHandlersDeadLetterHasTheReasonHandlerFailedAndTheLastError() {
    Reef reef = newReef();
    String marker = unique("broken");
    reef.subscribe(
        "bob",
        s -> {
          throw new IllegalStateException(marker);
        });

    reef.send("alice", "bob", k("n", 1));

    await()
        .atMost(awaitTimeout())
        .until(() -> recorder(0).events(SporeEvent.DEAD_LETTERED).size() == 1);
    assertDeadLetteredAsHandlerFailed(
        recorder(0).events(SporeEvent.DEAD_LETTERED).get(0),
        FAST_RETRIES.maxAttempts(),
        IllegalStateException.class,
        marker);
  }

  @Test
  void consumerReturningANullStageFailsTheAttemptAndIsRetriedThenDeadLettered() {
    assertConsumerFailsEveryAttempt((spore, attempt) -> null, ReefException.class, "null stage");
  }

  @Test
  void consumerThatThrowsFailsTheAttemptAndIsRetriedThenDeadLettered() {
    String marker = unique("thrown");
    assertConsumerFailsEveryAttempt(
        (spore, attempt) -> {
          throw new IllegalArgumentException(marker);
        },
        IllegalArgumentException.class,
        marker);
  }

  /**
   * Consumes a mailbox with a consumer that fails every attempt in one way, sends it one spore and
   * checks the SPI contract: each attempt counts as failed (never as handled, never a silent ack),
   * the spore is retried under the retry policy and dead-lettered as {@code handler_failed}.
   */
  private void assertConsumerFailsEveryAttempt(
      MailboxConsumer failing, Class<? extends Throwable> errorType, String errorText) {
    RecordingBackend backend = startedBackend();
    String channel = unique("ch");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    MailboxSubscription sub =
        backend.consume(
            channel,
            "bob",
            (spore, attempt) -> {
              attempts.add(attempt);
              return failing.deliver(spore, attempt);
            });
    Spore spore =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(k("n", 1))
            .build();

    join(backend.publish(channel, spore));

    await()
        .atMost(awaitTimeout())
        .until(() -> backend.events(SporeEvent.DEAD_LETTERED).size() == 1);
    int max = FAST_RETRIES.maxAttempts();
    assertThat(attempts).containsExactlyElementsOf(IntStream.rangeClosed(1, max).boxed().toList());
    assertThat(backend.events(SporeEvent.HANDLED)).as("never taken for success").isEmpty();
    assertThat(backend.events(SporeEvent.RETRIED)).hasSize(max - 1);
    RecordingBackend.Event dead = backend.events(SporeEvent.DEAD_LETTERED).get(0);
    assertThat(dead.sporeId()).isEqualTo(spore.id());
    assertDeadLetteredAsHandlerFailed(dead, max, errorType, errorText);
    await().atMost(awaitTimeout()).until(() -> backend.backlog() == 0);
    sub.close();
  }

  private static void assertDeadLetteredAsHandlerFailed(
      RecordingBackend.Event dead,
      int attempts,
      Class<? extends Throwable> causeType,
      String causeText) {
    assertThat(dead.error()).isInstanceOf(DeadLetteredException.class);
    DeadLetteredException error = (DeadLetteredException) dead.error();
    assertThat(error.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED);
    assertThat(error.reason().wireName()).isEqualTo("handler_failed");
    assertThat(error.attempts()).isEqualTo(attempts);
    assertThat(error.getCause()).isInstanceOf(causeType);
    assertThat(error.getCause().getMessage()).contains(causeText);
    assertThat(error.getMessage()).contains(causeText);
  }

  @Test
  void retryPolicyOfTheBackendDecidesTheAttempts() {
    RetryPolicy once = RetryPolicy.noRetries();
    Reef reef = newReef(options().build(), once);
    AtomicInteger calls = new AtomicInteger();
    reef.subscribe(
        "bob",
        s -> {
          calls.incrementAndGet();
          throw new IllegalStateException("no retries");
        });

    reef.send("alice", "bob", k("n", 1));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.DEAD_LETTERED) == 1);
    settle(reef);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void poisonSporeDoesNotStopTheMailbox() {
    Reef reef = newReef();
    Inbox good = new Inbox();
    reef.subscribe(
        "bob",
        s -> {
          if ("poison".equals(s.knowledge().get("kind"))) {
            throw new IllegalArgumentException("cannot digest");
          }
          good.handle(s);
        });

    reef.send("alice", "bob", k("kind", "poison"));
    for (int i = 0; i < 5; i++) {
      reef.send("alice", "bob", k("kind", "good"));
    }

    awaitSize(good, 5);
    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.DEAD_LETTERED) == 1);
  }

  // ---------------------------------------------------------------- handler isolation

  @Test
  void slowAgentDoesNotStallOtherAgents() throws Exception {
    Reef reef = newReef();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch slowStarted = new CountDownLatch(1);
    reef.subscribe(
        "slow",
        s -> {
          slowStarted.countDown();
          release.await(30, TimeUnit.SECONDS);
        });
    Inbox fast = new Inbox();
    reef.subscribe("fast", fast);
    try {
      reef.send("alice", "slow", k("n", 1));
      assertThat(slowStarted.await(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      for (int i = 0; i < 10; i++) {
        reef.send("alice", "fast", k("n", i));
      }
      awaitSize(fast, 10);
    } finally {
      release.countDown();
    }
  }

  // ---------------------------------------------------------------- subscriptions

  @Test
  void addModeRunsEveryHandlerAndReplaceModeReplacesThem() {
    Reef reef = newReef();
    Inbox one = new Inbox();
    Inbox two = new Inbox();
    Inbox three = new Inbox();
    reef.subscribe("bob", one);
    reef.subscribe("bob", two, SubscribeMode.ADD);

    reef.send("alice", "bob", k("n", 1));
    await().atMost(awaitTimeout()).until(() -> one.size() == 1 && two.size() == 1);

    reef.subscribe("bob", three, SubscribeMode.REPLACE);
    reef.send("alice", "bob", k("n", 2));
    awaitSize(three, 1);
    settle(reef);
    assertThat(one.size()).isEqualTo(1);
    assertThat(two.size()).isEqualTo(1);
    assertThat(three.values("n")).containsExactly(2);
  }

  @Test
  void closingASubscriptionRemovesOnlyThatHandler() {
    Reef reef = newReef();
    Inbox kept = new Inbox();
    Inbox removed = new Inbox();
    reef.subscribe("bob", kept);
    Subscription sub = reef.subscribe("bob", removed);
    assertThat(sub.agent()).isEqualTo("bob");
    assertThat(sub.channel()).isEqualTo(reef.name());

    sub.close();
    sub.close();
    reef.send("alice", "bob", k("n", 1));

    awaitSize(kept, 1);
    settle(reef);
    assertThat(removed.size()).isZero();
  }

  @Test
  void subscribedAgentIsKnownOnItsChannel() {
    Reef reef = newReef();
    reef.subscribe("bob", new Inbox());
    reef.declareMailbox("carol");

    assertThat(reef.agents()).contains("bob", "carol");
    assertThat(reef.channel(unique("other")).agents()).doesNotContain("bob", "carol");
  }

  // ---------------------------------------------------------------- request / reply

  @Test
  void askCompletesWithTheFirstResponseToTheRequest() {
    Reef reef = newReef();
    reef.subscribe(
        "bob",
        s -> {
          if (s.type() == SporeType.REQUEST) {
            reef.reply(s, "bob", k("answer", 42));
          }
        });

    Spore response = join(reef.ask("alice", "bob", k("question", "?"), awaitTimeout()));

    assertThat(response.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(response.fromAgent()).isEqualTo("bob");
    assertThat(response.toAgent()).isEqualTo("alice");
    assertThat(response.knowledge()).isEqualTo(k("answer", 42));
    assertThat(response.replyTo()).isNotNull();
    await().atMost(awaitTimeout()).until(() -> reef.stats().pendingAsks() == 0);
  }

  @Test
  void askAcrossReefsOnTheSameTransport() {
    Reef asker = newReef();
    Reef responder = newReef();
    responder.subscribe("bob", s -> responder.reply(s, "bob", k("echo", s.knowledge().get("q"))));

    Spore response = join(asker.ask("alice", "bob", k("q", "ping"), awaitTimeout()));

    assertThat(response.knowledge()).isEqualTo(k("echo", "ping"));
  }

  @Test
  void anAskTakesTheBackendsDirectReplyPathWhereItHasOne() {
    Reef asker = newReef();
    Reef responder = newReef();
    responder.subscribe("bob", s -> responder.reply(s, "bob", k("ok", true)));

    Spore response = join(asker.ask("alice", "bob", k("q", 1), awaitTimeout()));

    if (recorder(0).directReplies(asker.name())) {
      assertThat(recorder(0).directReplies()).containsExactly(response.id());
    } else {
      assertThat(recorder(0).directReplies()).isEmpty();
    }
    await()
        .atMost(awaitTimeout())
        .until(() -> asker.stats().agent(asker.name(), "alice", SporeEvent.HANDLED) == 1);
  }

  @Test
  void replyAnswersTheRequestAndCarriesItsTracingIds() {
    Reef reef = newReef();
    reef.subscribe("bob", s -> reef.reply(s, "bob", k("ok", true)));
    Spore request =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(k("q", 1))
            .correlationId("corr-" + testId)
            .traceId("trace-" + testId)
            .runId("run-" + testId)
            .build();

    Spore response = join(reef.ask(request, awaitTimeout()));

    assertThat(response.replyTo()).isEqualTo(request.id());
    assertThat(response.correlationId()).isEqualTo("corr-" + testId);
    assertThat(response.traceId()).isEqualTo("trace-" + testId);
    assertThat(response.runId()).isEqualTo("run-" + testId);
  }

  @Test
  void askedAgentsResponseGoesToTheAskNotToTheAskersHandlers() {
    Reef reef = newReef();
    Inbox aliceHandler = new Inbox();
    reef.subscribe("alice", aliceHandler);
    reef.subscribe("bob", s -> reef.reply(s, "bob", k("answer", 1)));

    join(reef.ask("alice", "bob", k("q", 1), awaitTimeout()));
    reef.send("bob", "alice", k("plain", true));

    awaitSize(aliceHandler, 1);
    settle(reef);
    assertThat(aliceHandler.values("plain")).containsExactly(true);
  }

  @Test
  void requestsResponseArrivesAtTheRequestersHandlers() {
    Reef reef = newReef();
    Inbox alice = new Inbox();
    reef.subscribe("alice", alice);
    reef.subscribe("bob", s -> reef.reply(s, "bob", k("answer", 7)));

    Spore request = join(reef.request("alice", "bob", k("q", 1)));

    assertThat(request.type()).isEqualTo(SporeType.REQUEST);
    assertThat(request.expiresAt()).isNotNull();
    awaitSize(alice, 1);
    assertThat(alice.spores().get(0).replyTo()).isEqualTo(request.id());
  }

  @Test
  void askFailsWithRequestTimeoutAtTheDeadline() {
    Reef reef = newReef();
    Inbox silent = new Inbox();
    reef.subscribe("bob", silent);

    long start = System.nanoTime();
    Throwable error = failureOf(reef.ask("alice", "bob", k("q", 1), Duration.ofMillis(300)));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(error).isInstanceOf(RequestTimeoutException.class);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(250);
    assertThat(silent.size()).isEqualTo(1);
    await().atMost(awaitTimeout()).until(() -> reef.stats().pendingAsks() == 0);
  }

  @Test
  void askToAnUnknownAgentFailsWithUnknownAgentException() {
    Reef reef = newReef();

    Throwable error = failureOf(reef.ask("alice", unique("nobody"), k("q", 1), awaitTimeout()));

    assertThat(error).isInstanceOf(UnknownAgentException.class);
    await().atMost(awaitTimeout()).until(() -> reef.stats().pendingAsks() == 0);
  }

  @Test
  void pendingAskFailsWithReefClosedWhenTheReefCloses() {
    Reef reef = newReef();
    reef.subscribe("bob", new Inbox());
    CompletableFuture<Spore> ask = reef.ask("alice", "bob", k("q", 1), Duration.ofMinutes(5));

    reef.close();

    assertThat(failureOf(ask)).isInstanceOf(ReefClosedException.class);
  }

  @Test
  void gatherCollectsRepliesAndNamesWhoDidNotAnswer() {
    Reef reef = newReef();
    reef.subscribe("bob", s -> reef.reply(s, "bob", k("from", "bob")));
    reef.subscribe("carol", s -> reef.reply(s, "carol", k("from", "carol")));
    reef.subscribe("dave", new Inbox());

    GatherResult result =
        join(
            reef.gather(
                "alice",
                List.of("bob", "carol", "dave"),
                k("q", 1),
                GatherOptions.custom().timeout(Duration.ofMillis(500)).build()));

    assertThat(result.timedOut()).isTrue();
    assertThat(result.replies())
        .extracting(Spore::fromAgent)
        .containsExactlyInAnyOrder("bob", "carol");
    assertThat(result.missing()).containsExactly("dave");
    assertThat(result.replies()).allMatch(r -> r.replyTo().equals(result.request().id()));
  }

  @Test
  void gatherStopsAfterTheFirstNReplies() {
    Reef reef = newReef();
    for (String agent : List.of("bob", "carol", "dave")) {
      reef.subscribe(agent, s -> reef.reply(s, agent, k("from", agent)));
    }

    GatherResult result =
        join(
            reef.gather(
                "alice",
                List.of("bob", "carol", "dave"),
                k("q", 1),
                GatherOptions.custom().firstN(2).timeout(awaitTimeout()).build()));

    assertThat(result.timedOut()).isFalse();
    assertThat(result.replies()).hasSize(2);
    // The third was not waited for: not collected, not missing.
    assertThat(result.missing()).isEmpty();
    assertThat(result.notCollected()).hasSize(1);
  }

  @Test
  void undirectedGatherAsksEveryOtherAgentOnTheChannel() {
    Reef reef = newReef();
    for (String agent : List.of("bob", "carol")) {
      reef.subscribe(agent, s -> reef.reply(s, agent, k("from", agent)));
    }
    reef.subscribe("alice", new Inbox());

    GatherResult result =
        join(
            reef.gather(
                "alice",
                List.of(),
                k("q", 1),
                GatherOptions.custom().timeout(awaitTimeout()).build()));

    assertThat(result.timedOut()).isFalse();
    assertThat(result.request().isDirected()).isFalse();
    assertThat(result.replies())
        .extracting(Spore::fromAgent)
        .containsExactlyInAnyOrder("bob", "carol");
    assertThat(result.missing()).isEmpty();
  }

  // ---------------------------------------------------------------- competing consumers

  @Test
  void reefsConsumingTheSameAgentShareItsMailboxAndEachSporeIsHandledOnce() {
    Reef one = newReef();
    Reef two = newReef();
    Reef sender = newReef();
    Inbox a = new Inbox();
    Inbox b = new Inbox();
    one.subscribe("worker", a);
    two.subscribe("worker", b);
    int n = 60;

    for (int i = 0; i < n; i++) {
      sender.send("boss", "worker", k("n", i));
    }

    await().atMost(awaitTimeout()).until(() -> a.size() + b.size() >= n);
    settle(one, two, sender);
    Set<Object> seen = new HashSet<>(a.values("n"));
    seen.addAll(b.values("n"));
    assertThat(a.size() + b.size()).as("each spore handled once").isEqualTo(n);
    assertThat(seen).hasSize(n);
  }

  @Test
  void broadcastReachesCompetingConsumersOfOneAgentOnce() {
    Reef one = newReef();
    Reef two = newReef();
    Inbox a = new Inbox();
    Inbox b = new Inbox();
    one.subscribe("worker", a);
    two.subscribe("worker", b);

    join(one.broadcast("boss", k("n", 1)));

    await().atMost(awaitTimeout()).until(() -> a.size() + b.size() >= 1);
    settle(one, two);
    assertThat(a.size() + b.size()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- authorization, rate limit

  @Test
  void authorizerDenialFailsSendsAndIsCounted() {
    List<AuthorizationRequest> asked = new CopyOnWriteArrayList<>();
    Reef reef =
        newReef(
            options()
                .authorizer(
                    r -> {
                      asked.add(r);
                      return !"mallory".equals(r.agent());
                    })
                .build(),
            FAST_RETRIES);
    Inbox b = new Inbox();
    reef.subscribe("bob", b);

    Throwable denied = failureOf(reef.send("mallory", "bob", k("n", 1)));
    Throwable deniedBroadcast = failureOf(reef.broadcast("mallory", k("n", 2)));
    join(reef.send("alice", "bob", k("n", 3)));

    assertThat(denied).isInstanceOf(UnauthorizedException.class);
    assertThat(deniedBroadcast).isInstanceOf(UnauthorizedException.class);
    awaitSize(b, 1);
    settle(reef);
    assertThat(b.values("n")).containsExactly(3);
    assertThat(reef.stats().agent(reef.name(), "mallory", SporeEvent.DENIED)).isEqualTo(2);
    assertThat(asked)
        .extracting(AuthorizationRequest::action)
        .contains(ReefAction.SUBSCRIBE, ReefAction.SEND, ReefAction.BROADCAST);
    assertThat(asked)
        .filteredOn(r -> r.action() == ReefAction.SEND)
        .allMatch(r -> r.spore() != null && r.channel().equals(reef.name()));
  }

  @Test
  void authorizerDenialFailsSubscribe() {
    Reef reef =
        newReef(
            options().authorizer(r -> r.action() != ReefAction.SUBSCRIBE).build(), FAST_RETRIES);

    assertThatThrownBy(() -> reef.subscribe("bob", new Inbox()))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.DENIED)).isEqualTo(1);
  }

  @Test
  void authorizerThatThrowsDenies() {
    Reef reef =
        newReef(
            options()
                .authorizer(
                    r -> {
                      if (r.action() == ReefAction.SUBSCRIBE) {
                        return true;
                      }
                      throw new IllegalStateException("policy store down");
                    })
                .build(),
            FAST_RETRIES);
    reef.subscribe("bob", new Inbox());

    assertThat(failureOf(reef.send("alice", "bob", k("n", 1))))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void broadcastsOverTheAgentsRateLimitFail() {
    Reef reef = newReef(options().broadcastRateLimit(new RateLimit(0.01, 2)).build(), FAST_RETRIES);
    Inbox b = new Inbox();
    reef.subscribe("bob", b);

    join(reef.broadcast("alice", k("n", 1)));
    join(reef.broadcast("alice", k("n", 2)));
    Throwable third = failureOf(reef.broadcast("alice", k("n", 3)));
    join(reef.broadcast("carol", k("n", 4)));
    join(reef.systemBroadcast(k("n", 5)));
    join(reef.send("alice", "bob", k("n", 6)));

    assertThat(third).isInstanceOf(UnauthorizedException.class);
    awaitSize(b, 5);
    settle(reef);
    assertThat(b.values("n")).containsExactlyInAnyOrder(1, 2, 4, 5, 6);
    assertThat(reef.stats().agent(reef.name(), "alice", SporeEvent.DENIED)).isEqualTo(1);
  }

  // ---------------------------------------------------------------- deduplication

  @Test
  void withDeduplicationARepeatedSporeIsHandledOnceAndCounted() {
    Reef reef = newReef(options().deduplicationWindow(100).build(), FAST_RETRIES);
    Inbox b = new Inbox();
    reef.subscribe("bob", b);
    Spore spore =
        Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("alice").toAgent("bob").build();
    Spore sameKey1 =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .idempotencyKey("key-" + testId)
            .knowledge(k("n", 1))
            .build();
    Spore sameKey2 = sameKey1.toBuilder().id("other-" + testId).knowledge(k("n", 2)).build();

    join(reef.publish(spore));
    join(reef.publish(spore));
    join(reef.publish(sameKey1));
    join(reef.publish(sameKey2));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.DUPLICATE) == 2);
    settle(reef);
    assertThat(b.ids()).containsExactly(spore.id(), sameKey1.id());
  }

  @Test
  void withoutDeduplicationARepeatedSporeIsHandledAgain() {
    Reef reef = newReef();
    Inbox b = new Inbox();
    reef.subscribe("bob", b);
    Spore spore =
        Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("alice").toAgent("bob").build();

    join(reef.publish(spore));
    join(reef.publish(spore));

    awaitSize(b, 2);
  }

  @Test
  void deduplicationDoesNotHideARedeliveryAfterAFailure() {
    Reef reef = newReef(options().deduplicationWindow(100).build(), FAST_RETRIES);
    AtomicInteger calls = new AtomicInteger();
    reef.subscribe(
        "bob",
        s -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first attempt fails");
          }
        });

    reef.send("alice", "bob", k("n", 1));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED) == 1);
    assertThat(calls.get()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- stats, idle, lifecycle

  @Test
  void statsCountSentDeliveredAndHandledPerAgent() {
    Reef reef = newReef();
    reef.subscribe("bob", new Inbox());
    reef.subscribe("carol", new Inbox());

    reef.send("alice", "bob", k("n", 1));
    reef.send("alice", "bob", k("n", 2));
    reef.broadcast("alice", k("n", 3));

    await()
        .atMost(awaitTimeout())
        .until(() -> reef.stats().channel(reef.name(), SporeEvent.HANDLED) == 4);
    awaitIdle(reef);
    var stats = reef.stats();
    assertThat(stats.agent(reef.name(), "alice", SporeEvent.SENT)).isEqualTo(3);
    assertThat(stats.agent(reef.name(), "bob", SporeEvent.DELIVERED)).isEqualTo(3);
    assertThat(stats.agent(reef.name(), "bob", SporeEvent.HANDLED)).isEqualTo(3);
    assertThat(stats.agent(reef.name(), "carol", SporeEvent.HANDLED)).isEqualTo(1);
    assertThat(stats.channels()).contains(reef.name());
    assertThat(stats.agents(reef.name())).contains("alice", "bob", "carol");
  }

  @Test
  void awaitIdleWaitsForHandlersToFinish() {
    Reef reef = newReef();
    AtomicInteger done = new AtomicInteger();
    reef.subscribe(
        "bob",
        s -> {
          Thread.sleep(20); // a handler doing some work
          done.incrementAndGet();
        });
    for (int i = 0; i < 10; i++) {
      reef.send("alice", "bob", k("n", i));
    }

    assertThat(reef.awaitIdle(awaitTimeout())).isTrue();
    assertThat(done.get()).isEqualTo(10);
  }

  @Test
  void closeDrainsInFlightHandlers() throws Exception {
    Reef reef = newReef();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Boolean> finished = new AtomicReference<>(false);
    reef.subscribe(
        "bob",
        s -> {
          started.countDown();
          Thread.sleep(300);
          finished.set(true);
        });
    reef.send("alice", "bob", k("n", 1));
    assertThat(started.await(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    reef.close(Duration.ofSeconds(5));

    assertThat(finished.get()).as("close waited for the handler").isTrue();
  }

  @Test
  void closedReefRefusesWorkAndCloseIsIdempotent() {
    Reef reef = newReef();
    reef.subscribe("bob", new Inbox());

    reef.close();
    reef.close();
    reef.close(Duration.ZERO);

    assertThat(failureOf(reef.send("alice", "bob", k("n", 1))))
        .isInstanceOf(ReefClosedException.class);
    assertThat(failureOf(reef.ask("alice", "bob", k("n", 1), awaitTimeout())))
        .isInstanceOf(ReefClosedException.class);
    assertThatThrownBy(() -> reef.subscribe("carol", new Inbox()))
        .isInstanceOf(ReefClosedException.class);
  }

  @Test
  void unsettledSporesAtCloseReachTheNextConsumer() throws Exception {
    Reef first = newReef();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    first.subscribe(
        "bob",
        s -> {
          started.countDown();
          release.await(30, TimeUnit.SECONDS);
        });
    Reef sender = newReef();
    for (int i = 0; i < 5; i++) {
      join(sender.send("alice", "bob", k("n", i)));
    }
    assertThat(started.await(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    first.close(Duration.ofMillis(100)); // the first spore's handler is still running
    release.countDown();
    Reef second = newReef();
    Inbox b = new Inbox();
    second.subscribe("bob", b);

    await().atMost(awaitTimeout()).until(() -> b.size() >= 5);
    settle(second);
    assertThat(b.values("n")).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  // ---------------------------------------------------------------- dead letters (issue 12)

  /** 2 attempts, 50 ms apart: a failing handler's request is dead-lettered within ~0.1 s. */
  private static final RetryPolicy TWO_ATTEMPTS =
      RetryPolicy.custom()
          .maxAttempts(2)
          .initialBackoff(Duration.ofMillis(50))
          .maxBackoff(Duration.ofMillis(50))
          .build();

  /** A handler that throws while {@code failing} is set, then hands spores to {@code inbox}. */
  private static SporeHandler failingWhile(AtomicBoolean failing, String error, Inbox inbox) {
    return s -> {
      if (failing.get()) {
        throw new IllegalStateException(error);
      }
      inbox.handle(s);
    };
  }

  @Test
  void deadLettersAreListedCountedReplayedAndPurgedThroughTheReef() throws Exception {
    Reef reef = newReef();
    AtomicBoolean failing = new AtomicBoolean(true);
    Inbox b = new Inbox();
    reef.subscribe("bob", failingWhile(failing, "bob is down", b));
    Spore first = join(reef.send("alice", "bob", k("n", 1)));
    Spore second = join(reef.send("alice", "bob", k("n", 2)));
    DeadLetters dead = reef.deadLetters();
    assertThat(dead.channel()).isEqualTo(reef.name());

    await().atMost(awaitTimeout()).until(() -> dead.count() == 2);
    List<DeadLetterRecord> listed = dead.list(10);
    // In the order they were dead-lettered: their retries run independently, so either may be
    // first.
    assertThat(listed)
        .extracting(DeadLetterRecord::id)
        .containsExactlyInAnyOrder(first.id(), second.id());
    DeadLetterRecord r =
        listed.stream().filter(d -> d.id().equals(first.id())).findFirst().orElseThrow();
    assertThat(r.channel()).isEqualTo(reef.name());
    assertThat(r.agent()).isEqualTo("bob");
    assertThat(r.spore()).isEqualTo(first);
    assertThat(r.reason()).isEqualTo(DeadLetterReason.HANDLER_FAILED.wireName());
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.error()).contains("bob is down");
    assertThat(dead.list(1)).extracting(DeadLetterRecord::id).containsExactly(listed.get(0).id());
    assertThat(dead.count()).as("listing removes nothing").isEqualTo(2);
    assertThat(reef.deadLetters(unique("other")).count()).as("per channel").isZero();

    failing.set(false);
    assertThat(dead.replay(second.id())).isTrue();
    awaitSize(b, 1);
    assertThat(b.spores()).containsExactly(second);
    await().atMost(awaitTimeout()).until(() -> dead.count() == 1);
    assertThat(dead.list(10)).extracting(DeadLetterRecord::id).containsExactly(first.id());
    assertThat(dead.replay("no-such-spore")).isFalse();

    assertThat(dead.purge()).isEqualTo(1);
    assertThat(dead.count()).isZero();
    assertThat(dead.list(10)).isEmpty();
    settle(reef);
    assertThat(b.spores()).containsExactly(second);
    assertThatThrownBy(() -> dead.list(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void replayAllSendsEveryDeadLetterBack() {
    Reef reef = newReef();
    AtomicBoolean failing = new AtomicBoolean(true);
    Inbox b = new Inbox();
    reef.subscribe("bob", failingWhile(failing, "bob is down", b));
    for (int i = 0; i < 3; i++) {
      join(reef.send("alice", "bob", k("n", i)));
    }
    await().atMost(awaitTimeout()).until(() -> reef.deadLetters().count() == 3);
    failing.set(false);

    assertThat(reef.deadLetters().replayAll()).isEqualTo(3);

    awaitSize(b, 3);
    assertThat(b.values("n")).containsExactlyInAnyOrder(0, 1, 2);
    await().atMost(awaitTimeout()).until(() -> reef.deadLetters().count() == 0);
  }

  @Test
  void replayOfARetriedSporeRestoresItsOriginalRoute() {
    Reef reef = newReef();
    AtomicBoolean failing = new AtomicBoolean(true);
    AtomicInteger bobAttempts = new AtomicInteger();
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    reef.subscribe(
        "bob",
        s -> {
          bobAttempts.incrementAndGet();
          if (failing.get()) {
            throw new IllegalStateException("not yet");
          }
          b.handle(s);
        });
    reef.subscribe("carol", c);
    Spore directed = join(reef.send("alice", "bob", k("n", 1)));
    await().atMost(awaitTimeout()).until(() -> reef.deadLetters().count() == 1);
    assertThat(bobAttempts.get()).as("retried before it was dead-lettered").isEqualTo(3);
    DeadLetterRecord r = reef.deadLetters().list(10).get(0);
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.spore()).isEqualTo(directed);

    failing.set(false);
    assertThat(reef.deadLetters().replay(directed.id())).isTrue();

    awaitSize(b, 1);
    settle(reef);
    assertThat(b.spores()).containsExactly(directed);
    assertThat(bobAttempts.get()).as("the replay starts at attempt 1 and is handled").isEqualTo(4);
    assertThat(c.size()).isZero();
    assertThat(reef.deadLetters().count()).isZero();
  }

  @Test
  void replayOfADeadLetteredBroadcastReachesOnlyTheMailboxItWasIn() {
    Reef reef = newReef();
    AtomicBoolean failing = new AtomicBoolean(true);
    Inbox b = new Inbox();
    Inbox c = new Inbox();
    reef.subscribe("bob", failingWhile(failing, "not yet", b));
    reef.subscribe("carol", c);
    Spore news = join(reef.broadcast("alice", k("news", "x")));
    awaitSize(c, 1);
    await().atMost(awaitTimeout()).until(() -> reef.deadLetters().count() == 1);
    assertThat(reef.deadLetters().list(1).get(0).agent()).isEqualTo("bob");

    failing.set(false);
    assertThat(reef.deadLetters().replay(news.id())).isTrue();

    awaitSize(b, 1);
    settle(reef);
    assertThat(b.spores()).containsExactly(news);
    assertThat(c.spores()).as("carol handled it once, not again").containsExactly(news);
  }

  @Test
  void askToAFailingHandlerFailsAtOnceWithTheRemoteFailure() {
    Reef responder = newReef(options().build(), TWO_ATTEMPTS);
    responder.subscribe(
        "model",
        s -> {
          throw new IllegalStateException("model backend unavailable");
        });
    Reef asker = newReef();
    long start = System.nanoTime();

    Throwable failure = failureOf(asker.ask("alice", "model", k("q", 1), Duration.ofSeconds(8)));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(failure).isInstanceOf(RemoteFailureException.class);
    RemoteFailureException remote = (RemoteFailureException) failure;
    assertThat(remote.type()).isEqualTo(DeadLetterReason.HANDLER_FAILED.wireName());
    assertThat(remote.errorMessage())
        .contains("IllegalStateException")
        .contains("model backend unavailable")
        .doesNotContain("\tat ");
    assertThat(remote.agent()).isEqualTo("model");
    assertThat(took).as("not at the 8 s deadline").isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aPravalStyleResponderSeesTheErrorResponseAsAnOrdinaryResponse() {
    Reef reef = newReef(options().build(), TWO_ATTEMPTS);
    reef.subscribe(
        "model",
        s -> {
          throw new IllegalStateException("model backend unavailable");
        });
    Inbox alice = new Inbox();
    reef.subscribe("alice", alice);
    Spore request = join(reef.request("alice", "model", k("q", 1)));

    awaitSize(alice, 1);
    Spore error = alice.spores().get(0);
    assertThat(error.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(error.fromAgent()).isEqualTo("model");
    assertThat(error.toAgent()).isEqualTo("alice");
    assertThat(error.replyTo()).isEqualTo(request.id());
    assertThat(error.knowledge()).containsOnlyKeys(ErrorResponses.ERROR);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) error.knowledge().get(ErrorResponses.ERROR);
    assertThat(body).containsEntry(ErrorResponses.TYPE, "handler_failed").doesNotContainKey("q");
    assertThat((String) body.get(ErrorResponses.MESSAGE)).contains("model backend unavailable");
  }

  @Test
  void gatherListsAFailedAgentAsFailedNotMissing() {
    Reef workers = newReef(options().build(), TWO_ATTEMPTS);
    workers.subscribe("w1", s -> workers.reply(s, "w1", k("ok", true)));
    workers.subscribe(
        "w2",
        s -> {
          throw new IllegalStateException("w2 broke");
        });
    Reef lead = newReef();

    GatherResult result =
        join(
            lead.gather(
                "lead",
                List.of("w1", "w2"),
                k("q", 1),
                GatherOptions.custom().timeout(Duration.ofSeconds(8)).build()));

    assertThat(result.timedOut()).isFalse();
    assertThat(result.replies()).extracting(Spore::fromAgent).containsExactly("w1");
    assertThat(result.missing()).isEmpty();
    assertThat(result.failures()).containsOnlyKeys("w2");
    assertThat(result.failures().get("w2").type()).isEqualTo("handler_failed");
    assertThat(result.failures().get("w2").errorMessage()).contains("w2 broke");
  }

  // ---------------------------------------------------------------- wave 2: consume paths

  @Test
  void unsubscribeWithPrefetchedSporesReturnsThemWithoutRetriesNoRetries() throws Exception {
    unsubscribeWithBacklogReturnsSpores(RetryPolicy.noRetries());
  }

  @Test
  void unsubscribeWithPrefetchedSporesReturnsThemWithoutRetriesDefaultPolicy() throws Exception {
    unsubscribeWithBacklogReturnsSpores(RetryPolicy.ofDefaults());
  }

  /**
   * An agent with 10 spores in flight unsubscribes while its handler holds the first: the others
   * were never handled, so they stay in (or return to) the mailbox, are neither retried nor
   * dead-lettered, and a later subscriber handles each exactly once.
   */
  private void unsubscribeWithBacklogReturnsSpores(RetryPolicy policy) throws Exception {
    Reef reef = newReef(options().build(), policy);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Inbox first = new Inbox();
    reef.subscribe(
        "bob",
        s -> {
          first.handle(s);
          started.countDown();
          release.await(30, TimeUnit.SECONDS);
        });
    for (int i = 0; i < 10; i++) {
      join(reef.send("alice", "bob", k("n", i)));
    }
    assertThat(started.await(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    reef.unsubscribe("bob");
    release.countDown();
    settle(reef);

    Reef later = newReef(options().build(), policy);
    Inbox second = new Inbox();
    later.subscribe("bob", second);
    await().atMost(awaitTimeout()).until(() -> first.size() + second.size() >= 10);
    settle(reef, later);
    List<Object> all = new java.util.ArrayList<>(first.values("n"));
    all.addAll(second.values("n"));
    assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(total(SporeEvent.RETRIED)).as("retried").isZero();
    assertThat(total(SporeEvent.DEAD_LETTERED)).as("dead-lettered").isZero();
  }

  @Test
  @Timeout(120)
  void awaitIdleWaitsForAChainOfSendsFromSynchronousHandlers() {
    Reef reef = newReef();
    int hops = 200;
    AtomicInteger seen = new AtomicInteger();
    SporeHandlerPair.pingPong(reef, "ping", "pong", hops, seen);
    reef.send("ping", "pong", k("hop", 1));
    assertThat(reef.awaitIdle(Duration.ofSeconds(60))).as("idle in the end").isTrue();
    assertThat(seen.get()).as("hops done when awaitIdle returned true").isEqualTo(hops);
  }

  /** Two agents passing one spore back and forth with synchronous handlers, sends not joined. */
  private static final class SporeHandlerPair {
    static void pingPong(Reef reef, String a, String b, int hops, AtomicInteger seen) {
      for (String[] pair : new String[][] {{a, b}, {b, a}}) {
        String self = pair[0];
        String other = pair[1];
        reef.subscribe(
            self,
            s -> {
              int hop = ((Number) s.knowledge().get("hop")).intValue();
              seen.incrementAndGet();
              if (hop < hops) {
                reef.send(self, other, Map.of("hop", hop + 1));
              }
            });
      }
    }
  }

  // ---------------------------------------------------------------- asks without side effects

  @Test
  void aDeniedAskChangesNothing() {
    Reef reef =
        newReef(options().authorizer(r -> !"mallory".equals(r.agent())).build(), FAST_RETRIES);
    reef.subscribe("bob", s -> reef.reply(s, "bob", k("ok", true)));

    assertThat(failureOf(reef.ask("mallory", "bob", k("q", 1), awaitTimeout())))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(
            failureOf(
                reef.gather(
                    "mallory",
                    List.of("bob"),
                    k("q", 1),
                    GatherOptions.custom().timeout(awaitTimeout()).build())))
        .isInstanceOf(UnauthorizedException.class);

    assertThat(reef.agents()).as("no mailbox for the denied asker").doesNotContain("mallory");
    assertThat(failureOf(reef.send("bob", "mallory", k("n", 1))))
        .as("no mailbox (on a broker no queue) for the denied asker")
        .isInstanceOf(UnknownAgentException.class);
    assertThat(reef.stats().pendingAsks()).isZero();
    assertThat(reef.stats().total(SporeEvent.DENIED)).isEqualTo(2);
  }

  @Test
  void aHandlerlessAskerGetsItsAnswerWithoutAMailbox() {
    Reef responder = newReef();
    responder.subscribe("bob", s -> responder.reply(s, "bob", k("ok", true)));
    Reef asker = newReef();

    for (int i = 0; i < 3; i++) {
      assertThat(join(asker.ask("cli", "bob", k("n", i), awaitTimeout())).knowledge())
          .containsEntry("ok", true);
    }
    GatherResult gathered =
        join(
            asker.gather(
                "cli",
                List.of("bob"),
                k("q", 1),
                GatherOptions.custom().timeout(awaitTimeout()).build()));
    assertThat(gathered.replies()).hasSize(1);

    assertThat(recorder(1).directReplies()).as("answers on the direct path").hasSize(4);
    assertThat(asker.agents()).as("the asker's reef opened no mailbox").doesNotContain("cli");
    assertThat(responder.agents()).doesNotContain("cli");
    // Nothing collects broadcasts for the asker: a later subscriber of "cli" gets none of these.
    join(responder.broadcast("bob", k("b", 1)));
    settle(responder, asker);
    Inbox cli = new Inbox();
    asker.subscribe("cli", cli);
    settle(responder, asker);
    assertThat(cli.size()).isZero();
  }

  // ---------------------------------------------------------------- coordinators

  @Test
  void aHandlerGatheringAgentsOfAnotherReefGetsEveryReply() {
    Reef workers = newReef();
    for (String w : List.of("w1", "w2")) {
      workers.subscribe(w, s -> workers.reply(s, w, k("from", w)));
    }
    Reef lead = newReef();
    CompletableFuture<GatherResult> result = new CompletableFuture<>();
    lead.subscribe(
        "lead",
        s ->
            result.complete(
                lead.gather(
                        "lead",
                        List.of("w1", "w2"),
                        k("q", 1),
                        GatherOptions.custom().timeout(Duration.ofSeconds(5)).build())
                    .join()));

    join(lead.send("client", "lead", k("go", 1)));

    GatherResult r = join(result);
    assertThat(r.timedOut()).isFalse();
    assertThat(r.replies()).extracting(Spore::fromAgent).containsExactlyInAnyOrder("w1", "w2");
    assertThat(r.missing()).isEmpty();
  }

  @Test
  void aHandlerAskingAnAgentOfAnotherReefGetsItsAnswer() {
    Reef other = newReef();
    other.subscribe("bob", s -> other.reply(s, "bob", k("n", s.knowledge().get("n"))));
    Reef lead = newReef();
    Set<Object> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    lead.subscribe(
        "lead",
        s ->
            answered.add(
                lead.ask("lead", "bob", s.knowledge(), Duration.ofSeconds(5))
                    .join()
                    .knowledge()
                    .get("n")));

    join(lead.send("client", "lead", k("n", -1)));
    await().atMost(awaitTimeout()).until(() -> answered.size() == 1);

    int many = 64;
    for (int i = 0; i < many; i++) {
      join(lead.send("client", "lead", k("n", i)));
    }
    await().atMost(awaitTimeout()).until(() -> answered.size() == many + 1);
  }

  @Test
  void closeFromAHandlerWaitsForTheOtherHandlersButNotForItself() throws Exception {
    Reef reef = newReef();
    CountDownLatch slowStarted = new CountDownLatch(1);
    AtomicReference<Boolean> slowFinished = new AtomicReference<>(false);
    reef.subscribe(
        "slow",
        s -> {
          slowStarted.countDown();
          Thread.sleep(300);
          slowFinished.set(true);
        });
    CompletableFuture<Long> closeMillis = new CompletableFuture<>();
    CompletableFuture<Boolean> slowDoneAtClose = new CompletableFuture<>();
    reef.subscribe(
        "stopper",
        s -> {
          long t0 = System.nanoTime();
          reef.close(Duration.ofSeconds(20));
          closeMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          slowDoneAtClose.complete(slowFinished.get());
        });
    join(reef.send("client", "slow", k("n", 1)));
    assertThat(slowStarted.await(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    join(reef.send("client", "stopper", k("stop", true)));

    assertThat(closeMillis.get(15, TimeUnit.SECONDS))
        .as("close from a handler returns well before the 20 s drain timeout")
        .isLessThan(10_000);
    assertThat(slowDoneAtClose.join()).as("the other in-flight handler was waited for").isTrue();
  }

  @Test
  protected void withoutADirectReplyPathAHandlerlessAskersMailboxDoesNotStayBehind() {
    Reef responder = newReef();
    responder.subscribe("bob", s -> responder.reply(s, "bob", k("ok", true)));
    ReefBackend plain =
        new dev.reef.spi.ForwardingBackend(newBackend()) {
          @Override
          public boolean directReplies(String channel) {
            return false;
          }

          @Override
          public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
            return delegate.publish(channel, request);
          }
        };
    Reef asker = Reef.create(plain, options().build());
    reefs.add(asker);
    asker.subscribe("worker", new Inbox());

    assertThat(join(asker.ask("cli", "bob", k("n", 1), awaitTimeout())).knowledge())
        .containsEntry("ok", true);
    assertThat(join(asker.ask("worker", "bob", k("n", 2), awaitTimeout())).knowledge())
        .containsEntry("ok", true);

    assertThat(asker.agents()).doesNotContain("cli").contains("worker");
    assertThat(failureOf(responder.send("bob", "cli", k("n", 3))))
        .as("the mailbox declared only for the ask was removed: nothing collects broadcasts")
        .isInstanceOf(UnknownAgentException.class);
    join(responder.send("bob", "worker", k("n", 4))); // an agent with handlers keeps its mailbox
  }

  @Test
  void manyHandlersAskingAnotherReefAtOnceAllGetTheirAnswers() {
    // More handlers blocked on asks at once than a backend has threads for handlers: the answers
    // must not need one of those threads.
    Reef other = newReef();
    other.subscribeAsync("bob", s -> other.reply(s, "bob", k("n", s.knowledge().get("n"))));
    Reef lead = newReef();
    Set<Object> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    int many = 64;
    for (int i = 0; i < many; i++) {
      String agent = "lead-" + i;
      lead.subscribe(
          agent,
          s ->
              answered.add(
                  lead.ask(agent, "bob", s.knowledge(), Duration.ofSeconds(5))
                      .join()
                      .knowledge()
                      .get("n")));
    }
    for (int i = 0; i < many; i++) {
      join(lead.send("client", "lead-" + i, k("n", i)));
    }
    await().atMost(awaitTimeout()).until(() -> answered.size() == many);
  }

  // ---------------------------------------------------------------- batch publish

  private static Spore directed(String from, String to, int n) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent(from)
        .toAgent(to)
        .knowledge(Map.of("n", n))
        .build();
  }

  @Test
  void aDirectedBatchArrivesInOrderWithOneOutcomePerSpore() {
    Reef reef = newReef();
    Inbox bob = new Inbox();
    reef.subscribe("bob", bob);
    List<Spore> batch = IntStream.range(0, 50).mapToObj(i -> directed("alice", "bob", i)).toList();

    dev.reef.BatchResult result = join(reef.publishAll(batch));

    assertThat(result.allSucceeded()).isTrue();
    assertThat(result.failures()).isEmpty();
    assertThat(result.outcomes()).hasSize(50).allMatch(CompletableFuture::isDone);
    assertThat(result.published())
        .extracting(Spore::id)
        .containsExactlyElementsOf(batch.stream().map(Spore::id).toList());
    awaitSize(bob, 50);
    assertThat(bob.spores())
        .extracting(s -> ((Number) s.knowledge().get("n")).intValue())
        .containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
    assertThat(reef.stats().total(SporeEvent.SENT)).isEqualTo(50);
  }

  @Test
  void aBadSporeInABatchFailsOnlyItsOwnOutcome() {
    Reef reef = newReef(options().maxKnowledgeBytes(200).build(), FAST_RETRIES);
    Inbox bob = new Inbox();
    reef.subscribe("bob", bob);
    Spore tooLarge =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(Map.of("text", "x".repeat(1000)))
            .build();
    List<Spore> batch =
        java.util.Arrays.asList(
            directed("alice", "bob", 0),
            tooLarge,
            directed("alice", "bob", 2),
            directed("alice", unique("nobody"), 3),
            null,
            directed("alice", "bob", 5));

    dev.reef.BatchResult result = join(reef.publishAll(batch));

    assertThat(result.allSucceeded()).isFalse();
    assertThat(result.failures()).containsOnlyKeys(1, 3, 4);
    assertThat(result.failures().get(1)).isInstanceOf(dev.reef.SporeValidationException.class);
    assertThat(result.failures().get(3)).isInstanceOf(UnknownAgentException.class);
    assertThat(result.failures().get(4)).isInstanceOf(dev.reef.SporeValidationException.class);
    assertThat(failureOf(result.outcomes().get(3))).isInstanceOf(UnknownAgentException.class);
    awaitSize(bob, 3);
    assertThat(bob.spores())
        .extracting(s -> ((Number) s.knowledge().get("n")).intValue())
        .containsExactly(0, 2, 5);
  }

  @Test
  void anEmptyBatchCompletesAtOnce() {
    Reef reef = newReef();

    CompletableFuture<dev.reef.BatchResult> f = reef.publishAll(List.of());

    assertThat(f).isDone();
    assertThat(f.join().size()).isZero();
    assertThat(f.join().allSucceeded()).isTrue();
  }

  @Test
  void aBatchOnAClosedReefFailsEachOutcomeTyped() {
    Reef reef = newReef();
    ReefChannel channel = reef.channel(unique("other"));
    reef.close(Duration.ofSeconds(2));

    dev.reef.BatchResult result =
        join(channel.publishAll(List.of(directed("alice", "bob", 0), directed("a", "b", 1))));

    assertThat(result.failures()).containsOnlyKeys(0, 1);
    assertThat(result.failures().values()).allMatch(e -> e instanceof ReefClosedException);
    assertThatThrownBy(() -> reef.publishAll(null)).isInstanceOf(NullPointerException.class);
  }
}
