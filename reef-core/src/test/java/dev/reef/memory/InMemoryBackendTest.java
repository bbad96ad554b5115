package dev.reef.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.MailboxFullException;
import dev.reef.Reef;
import dev.reef.ReefClosedException;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.spi.BackendListener;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.MailboxSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InMemoryBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<InMemoryBackend> started = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    started.forEach(b -> b.close(Duration.ofSeconds(1)));
  }

  private InMemoryBackend start(InMemoryBackend backend) {
    backend.start((event, channel, agent, spore, error) -> events.add(event + ":" + agent));
    started.add(backend);
    return backend;
  }

  private static Spore spore(String to, int priority, Object n) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("alice")
        .toAgent(to)
        .priority(priority)
        .knowledge(Map.of("n", n))
        .build();
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void fullMailboxWithRejectPolicyFailsThePublishAndCountsIt() throws Exception {
    InMemoryBackend backend = start(InMemoryBackend.builder().mailboxCapacity(2).build());
    backend.declareMailbox("c", "bob");
    backend.publish("c", spore("bob", 5, 1)).join();
    backend.publish("c", spore("bob", 5, 2)).join();

    Throwable error = failureOf(backend.publish("c", spore("bob", 5, 3)));

    assertThat(error).isInstanceOf(MailboxFullException.class).hasMessageContaining("bob");
    assertThat(events).contains("REJECTED:bob");
    assertThat(backend.hub().mailboxDepth("c", "bob")).isEqualTo(2);
  }

  @Test
  void fullMailboxWithDropOldestPolicyDiscardsTheOldestOfTheLowestPriority() {
    InMemoryBackend backend =
        start(
            InMemoryBackend.builder()
                .mailboxCapacity(2)
                .overflowPolicy(OverflowPolicy.DROP_OLDEST)
                .build());
    backend.declareMailbox("c", "bob");
    Spore first = spore("bob", 5, 1);
    backend.publish("c", first).join();
    backend.publish("c", spore("bob", 5, 2)).join();
    backend.publish("c", spore("bob", 5, 3)).join();
    Spore low = spore("bob", 1, 4);
    backend.publish("c", low).join();

    assertThat(backend.hub().mailboxDepth("c", "bob")).isEqualTo(2);
    assertThat(events).containsExactly("DROPPED_OLDEST:bob", "DROPPED_OLDEST:bob");
    assertThat(backend.deadLetters()).extracting(DeadLetter::spore).containsExactly(first, low);
    assertThat(backend.deadLetters())
        .extracting(DeadLetter::reason)
        .containsOnly(DeadLetter.REASON_DROPPED_OLDEST);

    List<Object> got = new CopyOnWriteArrayList<>();
    backend.consume(
        "c",
        "bob",
        (s, attempt) -> {
          got.add(s.knowledge().get("n"));
          return CompletableFuture.completedFuture(null);
        });
    await().atMost(WAIT).until(() -> got.size() == 2);
    assertThat(got).containsExactly(2, 3);
  }

  @Test
  void handlerFailuresEndInTheDeadLetterListWithTheErrorAndAttempts() {
    InMemoryBackend backend =
        InMemoryBackend.builder()
            .retryPolicy(
                RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ofMillis(5)).build())
            .build();
    try (Reef reef = Reef.create(backend)) {
      reef.subscribe(
          "bob",
          s -> {
            throw new IllegalStateException("cannot digest");
          });
      Spore sent = reef.send("alice", "bob", Map.of("n", 1)).join();

      await().atMost(WAIT).until(() -> !backend.deadLetters().isEmpty());
      DeadLetter dead = backend.deadLetters().get(0);
      assertThat(dead.channel()).isEqualTo(ReefOptions.DEFAULT_CHANNEL);
      assertThat(dead.agent()).isEqualTo("bob");
      assertThat(dead.spore()).isEqualTo(sent);
      assertThat(dead.reason()).isEqualTo(DeadLetter.REASON_HANDLER_FAILED);
      assertThat(dead.deadLetterReason()).contains(DeadLetterReason.HANDLER_FAILED);
      assertThat(dead.error()).isEqualTo("java.lang.IllegalStateException: cannot digest");
      assertThat(dead.attempts()).isEqualTo(2);
    }
  }

  @Test
  void deadLetterReasonsAreTheSpisWireNames() {
    assertThat(DeadLetter.REASON_HANDLER_FAILED)
        .isEqualTo(DeadLetterReason.HANDLER_FAILED.wireName());
    assertThat(DeadLetter.REASON_EXPIRED).isEqualTo(DeadLetterReason.EXPIRED.wireName());
    assertThat(DeadLetter.REASON_DROPPED_OLDEST)
        .isEqualTo(DeadLetterReason.DROPPED_OLDEST.wireName());
  }

  @Test
  void expiredSporesAreDeadLetteredWithReasonExpired() {
    InMemoryBackend backend = start(InMemoryBackend.create());
    backend.declareMailbox("c", "bob");
    Spore expired =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .toAgent("bob")
            .expiresAt(Instant.now().minusSeconds(1))
            .build();

    assertThat(backend.publish("c", expired).join()).isEqualTo(expired);

    assertThat(backend.deadLetters())
        .containsExactly(new DeadLetter("c", "bob", expired, "expired", null, 0));
    assertThat(events).containsExactly("EXPIRED:bob");
    assertThat(backend.hub().mailboxDepth("c", "bob")).isZero();
  }

  @Test
  void deadLetterListIsBoundedAndKeepsTheNewest() {
    InMemoryHub hub = InMemoryHub.builder().maxDeadLetters(2).build();
    InMemoryBackend backend = start(InMemoryBackend.builder().hub(hub).build());
    backend.declareMailbox("c", "bob");
    for (int i = 0; i < 3; i++) {
      backend.publish(
          "c",
          Spore.builder()
              .type(SporeType.KNOWLEDGE)
              .fromAgent("alice")
              .toAgent("bob")
              .id("id-" + i)
              .expiresAt(Instant.now().minusSeconds(1))
              .build());
    }

    assertThat(hub.deadLetters()).extracting(d -> d.spore().id()).containsExactly("id-1", "id-2");
    assertThat(hub.drainDeadLetters()).hasSize(2);
    assertThat(hub.deadLetters()).isEmpty();
  }

  @Test
  void backendsOnOneHubCompeteForAMailbox() {
    InMemoryHub hub = InMemoryHub.create();
    InMemoryBackend one = start(InMemoryBackend.builder().hub(hub).prefetch(1).build());
    InMemoryBackend two = start(InMemoryBackend.builder().hub(hub).prefetch(1).build());
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    one.consume("c", "bob", (s, n) -> slowly(a));
    two.consume("c", "bob", (s, n) -> slowly(b));

    for (int i = 0; i < 40; i++) {
      one.publish("c", spore("bob", 5, i)).join();
    }

    await().atMost(WAIT).until(() -> a.get() + b.get() == 40);
    assertThat(a.get()).as("both consumers got spores").isPositive();
    assertThat(b.get()).isPositive();
    assertThat(two.knownAgents("c")).containsExactly("bob");
  }

  private static CompletableFuture<Void> slowly(AtomicInteger counter) {
    counter.incrementAndGet();
    return CompletableFuture.runAsync(
        () -> {}, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
  }

  @Test
  void asyncDeliveriesStayUnsettledUpToThePrefetch() {
    InMemoryBackend backend = start(InMemoryBackend.builder().prefetch(3).build());
    List<CompletableFuture<Void>> open = new CopyOnWriteArrayList<>();
    backend.consume(
        "c",
        "bob",
        (s, n) -> {
          CompletableFuture<Void> f = new CompletableFuture<>();
          open.add(f);
          return f;
        });
    for (int i = 0; i < 5; i++) {
      backend.publish("c", spore("bob", 5, i)).join();
    }

    await().atMost(WAIT).until(() -> open.size() == 3);
    assertThat(backend.backlog()).isEqualTo(5);
    open.get(0).complete(null);
    await().atMost(WAIT).until(() -> open.size() == 4);
    open.forEach(f -> f.complete(null));
    await().atMost(WAIT).until(() -> open.size() == 5);
    open.forEach(f -> f.complete(null));
    await().atMost(WAIT).until(() -> backend.backlog() == 0);
    assertThat(events.stream().filter(e -> e.startsWith("HANDLED"))).hasSize(5);
  }

  @Test
  void prefetchOfOneHandsOutOneSporeAtATime() {
    InMemoryBackend backend = start(InMemoryBackend.builder().prefetch(1).build());
    List<CompletableFuture<Void>> open = new CopyOnWriteArrayList<>();
    backend.consume(
        "c",
        "bob",
        (s, n) -> {
          CompletableFuture<Void> f = new CompletableFuture<>();
          open.add(f);
          return f;
        });
    backend.publish("c", spore("bob", 5, 1)).join();
    backend.publish("c", spore("bob", 5, 2)).join();

    await().atMost(WAIT).until(() -> open.size() == 1);
    assertThat(backend.hub().mailboxDepth("c", "bob")).isEqualTo(1);
    open.get(0).complete(null);
    await().atMost(WAIT).until(() -> open.size() == 2);
  }

  @Test
  void oneBackendConsumesAMailboxOnce() {
    InMemoryBackend backend = start(InMemoryBackend.create());
    backend.consume("c", "bob", (s, n) -> CompletableFuture.completedFuture(null));

    assertThatThrownBy(
            () -> backend.consume("c", "bob", (s, n) -> CompletableFuture.completedFuture(null)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closedSubscriptionLeavesSporesInTheMailbox() {
    InMemoryBackend backend = start(InMemoryBackend.create());
    MailboxSubscription sub =
        backend.consume("c", "bob", (s, n) -> CompletableFuture.completedFuture(null));
    assertThat(sub.channel()).isEqualTo("c");
    assertThat(sub.agent()).isEqualTo("bob");
    sub.close();
    sub.close();

    backend.publish("c", spore("bob", 5, 1)).join();

    assertThat(backend.hub().mailboxDepth("c", "bob")).isEqualTo(1);
    assertThat(backend.backlog()).as("backlog counts only consumed mailboxes").isZero();
  }

  @Test
  void unfinishedHandlerAtCloseReturnsItsSporeToTheMailbox() {
    InMemoryHub hub = InMemoryHub.create();
    InMemoryBackend first = start(InMemoryBackend.builder().hub(hub).build());
    AtomicInteger calls = new AtomicInteger();
    first.consume(
        "c",
        "bob",
        (s, n) -> {
          calls.incrementAndGet();
          return new CompletableFuture<>(); // never completes
        });
    Spore sent = first.publish("c", spore("bob", 5, 1)).join();
    await().atMost(WAIT).until(() -> calls.get() == 1);
    assertThat(first.backlog()).isEqualTo(1);

    first.close(Duration.ofMillis(50));

    assertThat(hub.mailboxDepth("c", "bob")).isEqualTo(1);
    InMemoryBackend second = start(InMemoryBackend.builder().hub(hub).build());
    List<Spore> got = new CopyOnWriteArrayList<>();
    second.consume(
        "c",
        "bob",
        (s, n) -> {
          got.add(s);
          return CompletableFuture.completedFuture(null);
        });
    await().atMost(WAIT).until(() -> got.size() == 1);
    assertThat(got).containsExactly(sent);
  }

  @Test
  void closeReturnsAsSoonAsTheLastHandlerSettlesNotAtTheDrainTimeout() throws Exception {
    InMemoryBackend backend = start(InMemoryBackend.create());
    CompletableFuture<Void> sync = new CompletableFuture<>();
    CompletableFuture<Void> async = new CompletableFuture<>();
    CountDownLatch inSync = new CountDownLatch(1);
    backend.consume(
        "c",
        "bob",
        (s, n) -> {
          inSync.countDown();
          sync.join(); // a synchronous handler still running at close
          return CompletableFuture.completedFuture(null);
        });
    backend.consume("c", "carol", (s, n) -> async); // an asynchronous one, still open
    backend.publish("c", spore("bob", 5, 1)).join();
    backend.publish("c", spore("carol", 5, 2)).join();
    assertThat(inSync.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> backend.backlog() == 2);

    CompletableFuture<Long> closed =
        CompletableFuture.supplyAsync(
            () -> {
              long t0 = System.nanoTime();
              backend.close(Duration.ofSeconds(30));
              return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            });
    // Once the backend refuses publishes, close is draining (or about to): settle the handlers.
    await()
        .atMost(WAIT)
        .until(() -> backend.publish("c", spore("bob", 5, 3)).isCompletedExceptionally());
    sync.complete(null);
    async.complete(null);

    assertThat(closed.get(10, TimeUnit.SECONDS)).isLessThan(10_000);
    assertThat(backend.hub().mailboxDepth("c", "bob")).isZero();
    assertThat(backend.hub().mailboxDepth("c", "carol")).isZero();
  }

  @Test
  void bufferedSporesReturnToTheMailboxInOrderOnClose() throws Exception {
    InMemoryHub hub = InMemoryHub.create();
    InMemoryBackend setup = start(InMemoryBackend.builder().hub(hub).build());
    setup.consume("c", "bob", (s, n) -> CompletableFuture.completedFuture(null)).close();
    Spore a = setup.publish("c", spore("bob", 5, 1)).join();
    Spore b = setup.publish("c", spore("bob", 5, 2)).join();
    Spore high = setup.publish("c", spore("bob", 7, 3)).join();
    Spore d = setup.publish("c", spore("bob", 5, 4)).join();
    assertThat(hub.mailboxDepth("c", "bob")).isEqualTo(4);

    CountDownLatch release = new CountDownLatch(1);
    List<Spore> firstGot = new CopyOnWriteArrayList<>();
    InMemoryBackend first = start(InMemoryBackend.builder().hub(hub).build());
    first.consume(
        "c",
        "bob",
        (s, n) -> {
          firstGot.add(s);
          try {
            release.await(); // holds the slot on its first spore; the rest sit in its buffer
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return CompletableFuture.completedFuture(null);
        });
    await().atMost(WAIT).until(() -> firstGot.size() == 1);
    assertThat(firstGot).containsExactly(high);
    assertThat(hub.mailboxDepth("c", "bob")).as("the rest were taken as one batch").isZero();
    assertThat(first.backlog()).as("buffered spores count in the backlog").isEqualTo(4);

    first.close(Duration.ofMillis(50));
    release.countDown();

    assertThat(hub.mailboxDepth("c", "bob")).isEqualTo(4);
    InMemoryBackend second = start(InMemoryBackend.builder().hub(hub).build());
    List<Spore> got = new CopyOnWriteArrayList<>();
    second.consume(
        "c",
        "bob",
        (s, n) -> {
          got.add(s);
          return CompletableFuture.completedFuture(null);
        });
    await().atMost(WAIT).until(() -> got.size() == 4);
    assertThat(got).containsExactly(high, a, b, d);
  }

  @Test
  void pendingRetriesReturnToTheMailboxOnClose() {
    InMemoryHub hub = InMemoryHub.create();
    InMemoryBackend first =
        start(
            InMemoryBackend.builder()
                .hub(hub)
                .retryPolicy(
                    RetryPolicy.custom()
                        .initialBackoff(Duration.ofMinutes(5))
                        .maxBackoff(Duration.ofMinutes(5))
                        .build())
                .build());
    first.consume(
        "c", "bob", (s, n) -> CompletableFuture.failedFuture(new IllegalStateException("x")));
    first.publish("c", spore("bob", 5, 1)).join();
    await().atMost(WAIT).until(() -> events.contains("RETRIED:bob"));
    assertThat(first.backlog()).isEqualTo(1);

    first.close(Duration.ofMillis(50));

    assertThat(hub.mailboxDepth("c", "bob")).isEqualTo(1);
  }

  @Test
  void publishAfterCloseFailsWithReefClosed() throws Exception {
    InMemoryBackend backend = start(InMemoryBackend.create());
    backend.declareMailbox("c", "bob");
    backend.close(Duration.ZERO);
    backend.close(Duration.ZERO);

    assertThat(failureOf(backend.publish("c", spore("bob", 5, 1))))
        .isInstanceOf(ReefClosedException.class);
    assertThatThrownBy(
            () -> backend.consume("c", "bob", (s, n) -> CompletableFuture.completedFuture(null)))
        .isInstanceOf(ReefClosedException.class);
  }

  @Test
  void backendMustBeStartedOnce() {
    InMemoryBackend backend = InMemoryBackend.create();
    assertThatThrownBy(() -> backend.publish("c", spore("bob", 5, 1)))
        .isInstanceOf(IllegalStateException.class);
    backend.start(BackendListener.NONE);
    started.add(backend);
    assertThatThrownBy(() -> backend.start(BackendListener.NONE))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builderValidatesItsSettings() {
    assertThatThrownBy(() -> InMemoryBackend.builder().mailboxCapacity(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mailboxCapacity");
    assertThatThrownBy(() -> InMemoryBackend.builder().prefetch(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefetch");
    assertThatThrownBy(() -> InMemoryBackend.builder().workerThreads(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerThreads");
    assertThatThrownBy(() -> InMemoryBackend.builder().maxDeadLetters(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> InMemoryBackend.builder().hub(InMemoryHub.create()).mailboxCapacity(5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hub");
    assertThatThrownBy(() -> InMemoryHub.builder().overflowPolicy(null).build())
        .isInstanceOf(NullPointerException.class);
    InMemoryBackend defaults = InMemoryBackend.create();
    assertThat(defaults.hub().mailboxCapacity()).isEqualTo(InMemoryHub.DEFAULT_MAILBOX_CAPACITY);
    assertThat(defaults.hub().overflowPolicy()).isEqualTo(OverflowPolicy.REJECT);
    assertThat(defaults.hub().maxDeadLetters()).isEqualTo(InMemoryHub.DEFAULT_MAX_DEAD_LETTERS);
    assertThat(defaults.retryPolicy()).isSameAs(RetryPolicy.ofDefaults());
  }

  @Test
  void undirectedSporeToAFullMailboxStillReachesTheOthers() throws Exception {
    InMemoryBackend backend = start(InMemoryBackend.builder().mailboxCapacity(1).build());
    backend.declareMailbox("c", "bob");
    backend.declareMailbox("c", "carol");
    backend.publish("c", spore("bob", 5, 0)).join();

    Throwable error =
        failureOf(
            backend.publish(
                "c", Spore.builder().type(SporeType.BROADCAST).fromAgent("alice").build()));

    assertThat(error).isInstanceOf(MailboxFullException.class);
    assertThat(backend.hub().mailboxDepth("c", "carol")).isEqualTo(1);
    assertThat(events).containsExactly("REJECTED:bob");
  }

  @Test
  void aSlotRecordsHowLongItsMailboxStayedEmptySoThatASparseStreamDoesNotSpin() {
    InMemoryBackend backend = start(InMemoryBackend.builder().build());
    List<Object> handled = new CopyOnWriteArrayList<>();
    ConsumerSlot slot =
        (ConsumerSlot)
            backend.consume(
                "c",
                "bob",
                (s, n) -> {
                  handled.add(s.knowledge().get("n"));
                  return CompletableFuture.completedFuture(null);
                });
    backend.publish("c", spore("bob", 5, 1)).join();
    await().atMost(WAIT).until(() -> handled.size() == 1);
    await().atMost(WAIT).until(() -> parked(slot));
    long parkedAt = parkedAt(slot);
    // A gap far longer than the spin (what 10,000 spores/s gives is 100 µs).
    await().pollDelay(Duration.ofMillis(5)).until(() -> System.nanoTime() - parkedAt > 2_000_000);

    backend.publish("c", spore("bob", 5, 2)).join();

    await().atMost(WAIT).until(() -> handled.size() == 2);
    synchronized (slot.mailbox) {
      assertThat(slot.lastGap).isGreaterThan(ConsumerSlot.SPIN_NANOS);
    }
  }

  private static boolean parked(ConsumerSlot slot) {
    synchronized (slot.mailbox) {
      return slot.idle;
    }
  }

  private static long parkedAt(ConsumerSlot slot) {
    synchronized (slot.mailbox) {
      return slot.parkedAt;
    }
  }
}
