package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.RequestTimeoutException;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.observe.AskContext;
import dev.reef.observe.ConnectionState;
import dev.reef.observe.HandlerContext;
import dev.reef.observe.MdcKeys;
import dev.reef.observe.ObservationScope;
import dev.reef.observe.Outcome;
import dev.reef.observe.PublishContext;
import dev.reef.observe.ReefListener;
import dev.reef.observe.ReefObservation;
import dev.reef.observe.ReefObserver;
import dev.reef.spi.DeadLetteredException;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * The observability rules of docs/observability.md, as tests every {@link ReefBackend} must pass
 * unchanged: the {@link ReefObserver} hook (headers added at publish reach the receiver, in another
 * process too; observations stop with their outcome; the handler scope is current while the handler
 * runs), the {@link ReefListener} (connection states, retries, dead letters, expiries, ask
 * timeouts), the MDC keys, and that a throwing observer or listener never breaks delivery.
 *
 * <p>A backend module runs it by extending this class and implementing {@link
 * #newBackend(RetryPolicy)}; every backend of one test shares one transport, so that the sender's
 * reef and the receiver's reef act as two processes.
 *
 * <p>Why this file is long: a conformance suite is one abstract class so that a backend runs all of
 * its rules by subclassing it once; each test is one rule of docs/observability.md.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ObservationConformanceSuite {
  /** 2 attempts, 10 ms backoff. */
  protected static final RetryPolicy FAST_RETRIES =
      RetryPolicy.custom()
          .maxAttempts(2)
          .initialBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(20))
          .build();

  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  private String testId;

  /**
   * A new, unstarted backend on this test's shared transport.
   *
   * @param retryPolicy how the backend retries failed deliveries
   * @return the backend
   */
  protected abstract ReefBackend newBackend(RetryPolicy retryPolicy);

  /**
   * How long to wait for something that should happen.
   *
   * @return default 10 s
   */
  protected Duration awaitTimeout() {
    return Duration.ofSeconds(10);
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
  }

  /**
   * A unique name for this test.
   *
   * @param prefix a readable prefix
   * @return {@code prefix-<random>}
   */
  protected String unique(String prefix) {
    return prefix + "-" + testId;
  }

  private Reef newReef(ReefObserver observer, ReefListener listener) {
    ReefOptions.Builder b =
        ReefOptions.custom().defaultChannel(unique("ch")).closeTimeout(Duration.ofSeconds(2));
    if (observer != null) {
      b.observer(observer);
    }
    if (listener != null) {
      b.listener(listener);
    }
    Reef reef = Reef.create(newBackend(FAST_RETRIES), b.build());
    reefs.add(reef);
    return reef;
  }

  private <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete normally: " + e, e);
    }
  }

  /** Records what an observer saw, as short strings, and keeps the contexts. */
  static class Recorder implements ReefObserver {
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<SporeEvent> events = new CopyOnWriteArrayList<>();
    final List<HandlerContext> handled = new CopyOnWriteArrayList<>();
    final ThreadLocal<String> current = new ThreadLocal<>();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    volatile String header = "from-observer";

    @Override
    public void onStart(Reef reef) {
      started.incrementAndGet();
    }

    @Override
    public void onClose(Reef reef) {
      closed.incrementAndGet();
    }

    @Override
    public void onSporeEvent(
        SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
      events.add(event);
    }

    @Override
    public ReefObservation onPublish(PublishContext context) {
      if (header != null) {
        context.setHeader("x-observed", header);
      }
      String name = "publish " + context.spore().type().wireName();
      return observation(name);
    }

    @Override
    public ReefObservation onHandle(HandlerContext context) {
      handled.add(context);
      return observation("handle " + context.agent() + " " + context.attempt());
    }

    @Override
    public ReefObservation onAsk(AskContext context) {
      return observation("ask " + context.request().fromAgent());
    }

    private ReefObservation observation(String name) {
      return new ReefObservation() {
        @Override
        public ObservationScope openScope() {
          String previous = current.get();
          current.set(name);
          return () -> current.set(previous);
        }

        @Override
        public void stop(Outcome outcome, Throwable error) {
          log.add(name + " " + outcome.tagValue());
        }
      };
    }
  }

  /** Records what a listener heard. */
  static final class Heard implements ReefListener {
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onConnectionStateChanged(ConnectionState state, String connection, String detail) {
      if (connection == null) {
        log.add("connection " + state);
      }
    }

    @Override
    public void onSporeRetried(String channel, String agent, Spore spore, Throwable error) {
      log.add("retried " + agent + " " + spore.id());
    }

    @Override
    public void onSporeDeadLettered(String channel, String agent, Spore spore, Throwable error) {
      log.add("dead-lettered " + agent);
      errors.add(error);
    }

    @Override
    public void onSporeExpired(String channel, String agent, Spore spore) {
      log.add("expired " + agent);
    }

    @Override
    public void onAskTimedOut(String channel, String asker, String requestId, Duration timeout) {
      log.add("ask timed out " + asker + " " + timeout.toMillis());
    }
  }

  @Test
  void headersAddedAtPublishReachTheHandlerInAnotherReef() {
    Recorder senderObs = new Recorder();
    Recorder receiverObs = new Recorder();
    Reef sender = newReef(senderObs, null);
    Reef receiver = newReef(receiverObs, null);
    List<Spore> got = new CopyOnWriteArrayList<>();
    List<String> scopeSeen = new CopyOnWriteArrayList<>();
    receiver.subscribe(
        "bob",
        s -> {
          got.add(s);
          scopeSeen.add(String.valueOf(receiverObs.current.get()));
        });

    Spore sent = join(sender.send("alice", "bob", Map.of("n", 1)));

    await().atMost(awaitTimeout()).until(() -> got.size() == 1);
    assertThat(sent.metadata()).containsEntry("x-observed", "from-observer");
    assertThat(got.get(0).id()).isEqualTo(sent.id());
    assertThat(got.get(0).metadata()).containsEntry("x-observed", "from-observer");
    assertThat(receiverObs.handled.get(0).header("x-observed")).isEqualTo("from-observer");
    assertThat(scopeSeen).containsExactly("handle bob 1");
    await().atMost(awaitTimeout()).until(() -> receiverObs.log.contains("handle bob 1 success"));
    assertThat(senderObs.log).containsExactly("publish knowledge success");
    assertThat(senderObs.events).contains(SporeEvent.SENT);
    assertThat(receiverObs.events).contains(SporeEvent.DELIVERED);
    await().atMost(awaitTimeout()).until(() -> receiverObs.events.contains(SporeEvent.HANDLED));
    assertThat(senderObs.started).hasValue(1);
  }

  @Test
  void aFailingHandlerStopsItsObservationAsFailureAndTheListenerHearsRetryAndDeadLetter() {
    Recorder obs = new Recorder();
    Heard heard = new Heard();
    Reef reef = newReef(obs, heard);
    reef.subscribe(
        "bob",
        s -> {
          throw new IllegalStateException("boom");
        });

    Spore sent = join(reef.send("alice", "bob", Map.of("n", 1)));

    await().atMost(awaitTimeout()).until(() -> heard.log.contains("dead-lettered bob"));
    assertThat(heard.log).contains("retried bob " + sent.id());
    assertThat(heard.errors.get(0)).isInstanceOf(DeadLetteredException.class);
    await()
        .atMost(awaitTimeout())
        .untilAsserted(
            () ->
                assertThat(obs.log)
                    .contains("handle bob 1 failure", "handle bob 2 failure")
                    .doesNotContain("handle bob 1 success"));
    assertThat(obs.events).contains(SporeEvent.RETRIED, SporeEvent.DEAD_LETTERED);
  }

  @Test
  void theHandlersRunWithTheMdcKeysWhichAreRestoredAfterwards() {
    MDC.put("reef.probe", "on");
    assertThat(MDC.get("reef.probe"))
        .as(
            "an SLF4J binding with a working MDC (run with -Dslf4j.provider=%s)",
            MdcSimpleProvider.class.getName())
        .isEqualTo("on");
    MDC.remove("reef.probe");
    Reef reef = newReef(null, null);
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    List<String> afterwards = new CopyOnWriteArrayList<>();
    reef.subscribe(
        "bob",
        s -> {
          seen.add(MDC.getCopyOfContextMap());
        });
    reef.subscribe(
        "carol",
        s -> {
          afterwards.add(MDC.get(MdcKeys.SPORE_ID) + " " + MDC.get(MdcKeys.TRACE_ID));
        });
    Spore sent =
        join(
            reef.publish(
                Spore.builder()
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent("alice")
                    .toAgent("bob")
                    .traceId("trace-" + testId)
                    .knowledge(Map.of("n", 1))
                    .build()));

    await().atMost(awaitTimeout()).until(() -> seen.size() == 1);
    assertThat(seen.get(0))
        .containsEntry(MdcKeys.SPORE_ID, sent.id())
        .containsEntry(MdcKeys.AGENT, "bob")
        .containsEntry(MdcKeys.CHANNEL, unique("ch"))
        .containsEntry(MdcKeys.TRACE_ID, "trace-" + testId);
    Spore second = join(reef.send("alice", "carol", Map.of("n", 2)));
    await().atMost(awaitTimeout()).until(() -> afterwards.size() == 1);
    // A spore of another trace (the reef gives every spore one, see TraceConformanceSuite): the
    // previous handler's trace id did not stay behind.
    assertThat(second.traceId()).isNotNull().isNotEqualTo("trace-" + testId);
    assertThat(afterwards).containsExactly(second.id() + " " + second.traceId());
  }

  @Test
  void consecutiveDeliveriesEachSeeTheirOwnMdcKeysWhateverTheHandlerBeforeDidToThem() {
    Reef reef = newReef(null, null);
    List<String> seen = new CopyOnWriteArrayList<>();
    reef.subscribe(
        "bob",
        s -> {
          seen.add(
              MDC.get(MdcKeys.SPORE_ID)
                  + " "
                  + MDC.get(MdcKeys.TRACE_ID)
                  + " "
                  + MDC.get(MdcKeys.AGENT)
                  + " "
                  + MDC.get(MdcKeys.CHANNEL));
          // A handler that overwrites or removes the reef's keys must not change what the next
          // delivery sees (a backend may keep the keys set between the deliveries of a run).
          MDC.put(MdcKeys.AGENT, "mallory");
          MDC.remove(MdcKeys.SPORE_ID);
          MDC.remove(MdcKeys.CHANNEL);
        });
    List<Spore> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(join(reef.send("alice", "bob", Map.of("n", i))));
    }

    await().atMost(awaitTimeout()).until(() -> seen.size() == 5);
    List<String> expected = new ArrayList<>();
    for (Spore s : sent) {
      expected.add(s.id() + " " + s.traceId() + " bob " + unique("ch"));
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void anAskObservationStopsWithTimeoutAndTheListenerHearsIt() throws Exception {
    Recorder obs = new Recorder();
    Heard heard = new Heard();
    Reef reef = newReef(obs, heard);
    reef.declareMailbox("silent");

    CompletableFuture<Spore> answer =
        reef.ask("alice", "silent", Map.of("q", 1), Duration.ofMillis(200));

    Throwable failure = null;
    try {
      answer.get(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      failure = e.getCause();
    }
    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
    await().atMost(awaitTimeout()).until(() -> obs.log.contains("ask alice timeout"));
    assertThat(obs.log).contains("publish request success");
    assertThat(heard.log).contains("ask timed out alice 200");
  }

  @Test
  void anAnsweredAskStopsWithSuccessAndItsRequestIsPublishedInsideItsScope() {
    Recorder obs = new Recorder();
    List<String> scopeAtPublish = new CopyOnWriteArrayList<>();
    Recorder asking =
        new Recorder() {
          @Override
          public ReefObservation onPublish(PublishContext context) {
            scopeAtPublish.add(String.valueOf(current.get()));
            return super.onPublish(context);
          }
        };
    Reef responder = newReef(obs, null);
    Reef asker = newReef(asking, null);
    responder.subscribe("bob", s -> responder.reply(s, "bob", Map.of("a", 42)));

    Spore answer = join(asker.ask("alice", "bob", Map.of("q", 1), awaitTimeout()));

    assertThat(answer.knowledge()).containsEntry("a", 42);
    await().atMost(awaitTimeout()).until(() -> asking.log.contains("ask alice success"));
    assertThat(scopeAtPublish).containsExactly("ask alice");
    await().atMost(awaitTimeout()).until(() -> obs.log.contains("publish response success"));
  }

  @Test
  void everyReefReportsConnectedAndClosedAndItsObserversStartAndClose() {
    Recorder obs = new Recorder();
    Heard heard = new Heard();
    Reef reef = newReef(obs, heard);
    assertThat(heard.log).containsExactly("connection CONNECTED");
    assertThat(obs.started).hasValue(1);

    reef.close(Duration.ofSeconds(2));

    await().atMost(awaitTimeout()).until(() -> heard.log.size() == 2);
    assertThat(heard.log).containsExactly("connection CONNECTED", "connection CLOSED");
    assertThat(obs.closed).hasValue(1);
  }

  @Test
  void aSporeExpiredBeforeItsHandlerIsReportedToTheListener() {
    Heard heard = new Heard();
    Reef reef = newReef(null, heard);
    reef.subscribe("bob", s -> {});
    Instant past = Instant.now().minusSeconds(60);

    reef.publish(
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .createdAt(past.minusSeconds(1))
            .expiresAt(past)
            .knowledge(Map.of("n", 1))
            .build());

    await()
        .atMost(awaitTimeout())
        .until(() -> heard.log.stream().anyMatch(l -> l.startsWith("expired")));
  }

  @Test
  void throwingObserversAndListenersNeverBreakPublishOrDelivery() {
    ReefObserver throwing =
        new ReefObserver() {
          @Override
          public void onSporeEvent(
              SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
            throw new IllegalStateException("observer event");
          }

          @Override
          public ReefObservation onPublish(PublishContext context) {
            context.setHeader("praval.bad", "x"); // a reserved name: refused
            return null;
          }

          @Override
          public ReefObservation onHandle(HandlerContext context) {
            return new ReefObservation() {
              @Override
              public ObservationScope openScope() {
                throw new IllegalStateException("scope");
              }

              @Override
              public void stop(Outcome outcome, Throwable error) {
                throw new IllegalStateException("stop");
              }
            };
          }
        };
    ReefListener loud =
        new ReefListener() {
          @Override
          public void onConnectionStateChanged(
              ConnectionState state, String connection, String detail) {
            throw new IllegalStateException("listener");
          }

          @Override
          public void onSporeRetried(String channel, String agent, Spore spore, Throwable e) {
            throw new IllegalStateException("listener");
          }
        };
    Recorder after = new Recorder();
    Reef reef =
        Reef.create(
            newBackend(FAST_RETRIES),
            ReefOptions.custom()
                .defaultChannel(unique("ch"))
                .closeTimeout(Duration.ofSeconds(2))
                .observer(throwing)
                .observer(after)
                .listener(loud)
                .build());
    reefs.add(reef);
    AtomicInteger calls = new AtomicInteger();
    List<Spore> got = new CopyOnWriteArrayList<>();
    reef.subscribe(
        "bob",
        s -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first attempt fails");
          }
          got.add(s);
        });

    join(reef.send("alice", "bob", Map.of("n", 1)));

    await().atMost(awaitTimeout()).until(() -> got.size() == 1);
    assertThat(got.get(0).metadata()).doesNotContainKey("praval.bad");
    assertThat(got.get(0).metadata()).containsEntry("x-observed", "from-observer");
    await().atMost(awaitTimeout()).until(() -> after.log.contains("handle bob 2 success"));
    assertThat(after.log).contains("handle bob 1 failure", "publish knowledge success");
  }

  @Test
  void mailboxDepthsCountWhatEachConsumedMailboxHasNotSettled() throws Exception {
    Reef reef = newReef(null, null);
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    reef.subscribe("bob", s -> got.add(s.id()));
    reef.subscribe(
        "carol",
        s -> {
          first.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    String ch = unique("ch");
    try {
      join(reef.send("alice", "bob", Map.of("n", 0)));
      await().atMost(awaitTimeout()).until(() -> got.size() == 1);
      for (int i = 0; i < 5; i++) {
        join(reef.send("alice", "carol", Map.of("n", i)));
      }
      assertThat(first.await(awaitTimeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      // one in carol's handler and four behind it; bob's one is settled
      await()
          .atMost(awaitTimeout())
          .untilAsserted(
              () ->
                  assertThat(reef.mailboxDepths())
                      .containsOnlyKeys(ch)
                      .containsEntry(ch, Map.of("bob", 0L, "carol", 5L)));
    } finally {
      release.countDown();
    }
    await()
        .atMost(awaitTimeout())
        .untilAsserted(
            () ->
                assertThat(reef.mailboxDepths()).containsEntry(ch, Map.of("bob", 0L, "carol", 0L)));
  }
}
