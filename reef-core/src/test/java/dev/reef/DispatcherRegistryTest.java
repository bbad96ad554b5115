package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.spi.BackendListener;
import dev.reef.spi.MailboxConsumer;
import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dispatcher registry's attachment rules: one consumption per mailbox while it has users, no
 * lock across backend calls (one mailbox's slow consume does not hold up another's), and detach
 * before the next consume of the same mailbox.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DispatcherRegistryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ScriptedBackend backend = new ScriptedBackend();
  private final StatsRecorder stats = new StatsRecorder();
  private final PendingReplies replies = new PendingReplies(stats);
  private final DispatcherRegistry registry =
      new DispatcherRegistry(
          backend,
          (c, a) ->
              new AgentDispatcher(
                  c,
                  a,
                  0,
                  replies,
                  stats,
                  new IdleTracker(),
                  dev.reef.security.SenderVerification.NONE,
                  null,
                  null));
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void shutdown() {
    backend.release();
    pool.shutdownNow();
    replies.shutdown();
  }

  private static AgentDispatcher.Handler handler() {
    return new AgentDispatcher.Handler(spore -> {}, null);
  }

  @Test
  void concurrentUsersOfOneMailboxShareOneConsumptionStartedOnce() throws Exception {
    backend.blockConsume();
    Future<AgentDispatcher> first = pool.submit(() -> registry.openAsk("main", "alice"));
    backend.awaitConsumeStarted();
    CompletableFuture<AgentDispatcher> second = new CompletableFuture<>();
    Thread waiter = new Thread(() -> second.complete(registry.openAsk("main", "alice")));
    waiter.start();

    // The second user waits (parked, holding no lock) for the consumption the first one starts.
    await().atMost(WAIT).until(() -> waiter.getState() == Thread.State.WAITING);
    assertThat(backend.consumes).hasSize(1);
    backend.release();

    assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(second.get(10, TimeUnit.SECONDS));
    assertThat(first.get().openAsks).isEqualTo(2);
    assertThat(backend.consumes).containsExactly("main/alice");
  }

  @Test
  void aSlowConsumeOfOneMailboxDoesNotHoldUpAnother() throws Exception {
    backend.blockConsumeOf("alice");
    Future<AgentDispatcher> slow = pool.submit(() -> registry.openAsk("main", "alice"));
    backend.awaitConsumeStarted();

    AgentDispatcher bob = registry.addHandler("main", "bob", handler(), SubscribeMode.ADD);

    assertThat(bob.subscription).isNotNull();
    assertThat(slow.isDone()).isFalse();
    backend.release();
    assertThat(slow.get(10, TimeUnit.SECONDS).subscription).isNotNull();
  }

  @Test
  void theLastUserDetachesAndTheNextConsumesOnlyAfterTheDetach() throws Exception {
    AgentDispatcher.Handler h = handler();
    AgentDispatcher d = registry.addHandler("main", "alice", h, SubscribeMode.ADD);
    registry.openAsk("main", "alice");
    registry.removeHandler(d, h);
    assertThat(backend.closes).as("an open ask still needs the mailbox").isEmpty();

    backend.blockClose();
    Future<?> leaving = pool.submit(() -> registry.closeAsk(d));
    backend.awaitCloseStarted();
    CompletableFuture<AgentDispatcher> next = new CompletableFuture<>();
    Thread waiter = new Thread(() -> next.complete(registry.openAsk("main", "alice")));
    waiter.start();
    await().atMost(WAIT).until(() -> waiter.getState() == Thread.State.WAITING);
    assertThat(backend.consumes).as("no consume while the detach is under way").hasSize(1);
    backend.release();

    leaving.get(10, TimeUnit.SECONDS);
    AgentDispatcher again = next.get(10, TimeUnit.SECONDS);
    assertThat(again).isNotSameAs(d);
    assertThat(backend.events).containsExactly("consume alice", "close alice", "consume alice");
  }

  @Test
  void anUnsubscribeDuringTheConsumeDetachesOnceTheConsumeIsOver() throws Exception {
    backend.blockConsume();
    Future<AgentDispatcher> subscribing =
        pool.submit(() -> registry.addHandler("main", "alice", handler(), SubscribeMode.ADD));
    backend.awaitConsumeStarted();

    registry.removeHandlers("main", "alice");
    assertThat(backend.closes).as("nothing to close before the consume is over").isEmpty();
    backend.release();

    subscribing.get(10, TimeUnit.SECONDS);
    assertThat(backend.events).containsExactly("consume alice", "close alice");
  }

  @Test
  void aFailedConsumeUncountsItsUserAndTheNextUserTriesAgain() {
    backend.failNextConsume();
    assertThatThrownBy(() -> registry.openAsk("main", "alice"))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("consume failed");

    AgentDispatcher d = registry.openAsk("main", "alice");

    assertThat(d.openAsks).isEqualTo(1);
    assertThat(d.subscription).isNotNull();
    assertThat(backend.consumes).hasSize(2);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aBackendThatCallsBackDuringTheConsumeDoesNotDeadlockTheRegistry() {
    AtomicInteger nested = new AtomicInteger();
    backend.duringConsume =
        () -> {
          // As if the backend delivered synchronously, and a handler asked as the same agent.
          backend.duringConsume = null;
          registry.openAsk("main", "alice");
          nested.incrementAndGet();
        };

    AgentDispatcher d = registry.openAsk("main", "alice");

    assertThat(nested).hasValue(1);
    assertThat(d.openAsks).isEqualTo(2);
    assertThat(backend.consumes).containsExactly("main/alice");
  }

  /** A backend whose consume and subscription close can be held at a latch. */
  private static final class ScriptedBackend implements ReefBackend {
    final List<String> consumes = new CopyOnWriteArrayList<>();
    final List<String> closes = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch consumeStarted = new CountDownLatch(1);
    private final CountDownLatch closeStarted = new CountDownLatch(1);
    private volatile String blockConsumeOf;
    private volatile boolean blockClose;
    private final AtomicInteger failures = new AtomicInteger();
    volatile Runnable duringConsume;

    void blockConsume() {
      blockConsumeOf = "*";
    }

    void blockConsumeOf(String agent) {
      blockConsumeOf = agent;
    }

    void blockClose() {
      blockClose = true;
    }

    void failNextConsume() {
      failures.incrementAndGet();
    }

    void release() {
      gate.countDown();
    }

    void awaitConsumeStarted() throws InterruptedException {
      assertThat(consumeStarted.await(10, TimeUnit.SECONDS)).isTrue();
    }

    void awaitCloseStarted() throws InterruptedException {
      assertThat(closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private void hold() {
      try {
        assertThat(gate.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer) {
      consumes.add(channel + "/" + agent);
      Runnable callback = duringConsume;
      if (callback != null) {
        callback.run();
      }
      String block = blockConsumeOf;
      if (block != null && (block.equals("*") || block.equals(agent))) {
        consumeStarted.countDown();
        hold();
      }
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new ReefException("consume failed");
      }
      events.add("consume " + agent);
      return new MailboxSubscription() {
        @Override
        public String channel() {
          return channel;
        }

        @Override
        public String agent() {
          return agent;
        }

        @Override
        public void close() {
          closes.add(channel + "/" + agent);
          if (blockClose) {
            closeStarted.countDown();
            hold();
          }
          events.add("close " + agent);
        }
      };
    }

    @Override
    public void start(BackendListener listener) {}

    @Override
    public CompletableFuture<Spore> publish(String channel, Spore spore) {
      return CompletableFuture.completedFuture(spore);
    }

    @Override
    public void declareMailbox(String channel, String agent) {}

    @Override
    public Set<String> knownAgents(String channel) {
      return Set.of();
    }

    @Override
    public long backlog() {
      return 0;
    }

    @Override
    public void close(Duration drainTimeout) {}
  }
}
