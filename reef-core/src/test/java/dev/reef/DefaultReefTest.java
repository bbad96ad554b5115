package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.memory.InMemoryBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The facade's own rules: validation, options, ask bookkeeping and its mailbox consumption. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DefaultReefTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final InMemoryBackend backend =
      InMemoryBackend.builder()
          .retryPolicy(
              RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ofMillis(5)).build())
          .build();
  private Reef reef = Reef.create(backend);

  @AfterEach
  void close() {
    reef.close(Duration.ofSeconds(1));
  }

  private Reef reefWith(ReefOptions options) {
    reef.close();
    reef = Reef.create(InMemoryBackend.create(), options);
    return reef;
  }

  @Test
  void createStartsTheBackendAndUsesTheDefaultChannel() {
    assertThat(reef.name()).isEqualTo(ReefOptions.DEFAULT_CHANNEL);
    assertThat(reef.options()).isSameAs(ReefOptions.ofDefaults());
    assertThatThrownBy(() -> Reef.create(backend))
        .as("a backend is started once, by its reef")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void invalidNamesAreRejectedAtOnceNamingTheField() {
    reef.declareMailbox("bob");
    assertThatThrownBy(() -> reef.channel("a.b"))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("channel");
    assertThatThrownBy(() -> reef.send("al..ice", "bob", null))
        .isInstanceOf(SporeValidationException.class)
        .extracting(e -> ((SporeValidationException) e).field())
        .isEqualTo("from_agent");
    assertThatThrownBy(() -> reef.send("alice", " ", null))
        .isInstanceOf(SporeValidationException.class)
        .extracting(e -> ((SporeValidationException) e).field())
        .isEqualTo("to_agent");
    assertThatThrownBy(() -> reef.send("alice", null, null))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("to_agent");
    assertThatThrownBy(() -> reef.subscribe("bo*b", s -> {}))
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> reef.declareMailbox("bob#"))
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> reef.gather("alice", List.of("x y"), null, GatherOptions.ofDefaults()))
        .isInstanceOf(SporeValidationException.class);
  }

  @Test
  void maxKnowledgeBytesOptionLimitsBuiltAndPublishedSpores() {
    reefWith(ReefOptions.custom().maxKnowledgeBytes(20).build());
    reef.declareMailbox("bob");
    Map<String, Object> big = Map.of("text", "x".repeat(50));

    assertThatThrownBy(() -> reef.send("alice", "bob", big))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("knowledge")
        .hasMessageContaining("20");
    Spore prebuilt =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("a")
            .toAgent("bob")
            .knowledge(big)
            .build();
    assertThatThrownBy(() -> reef.publish(prebuilt))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("maxKnowledgeBytes");
    assertThat(reef.send("alice", "bob", Map.of("n", 1)).join().knowledgeBytes()).isLessThan(20);
  }

  @Test
  void askNeedsADirectedRequestAndAPositiveTimeout() {
    Spore undirected = Spore.builder().type(SporeType.REQUEST).fromAgent("alice").build();
    Spore notARequest =
        Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("alice").toAgent("bob").build();

    assertThatThrownBy(() -> reef.ask(undirected, WAIT))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("to_agent");
    assertThatThrownBy(() -> reef.ask(notARequest, WAIT))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("spore_type");
    assertThatThrownBy(() -> reef.ask("alice", "bob", null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(reef.stats().pendingAsks()).isZero();
  }

  @Test
  void askRequestExpiresWithTheTimeoutAndRequestUsesTheDefaultExpiry() {
    List<Spore> seen = new CopyOnWriteArrayList<>();
    reef.subscribe("bob", seen::add);

    CompletableFuture<Spore> ask = reef.ask("alice", "bob", null, Duration.ofSeconds(7));
    Spore request = reef.request("alice", "bob", null).join();

    await().atMost(WAIT).until(() -> seen.size() == 2);
    Spore asked = seen.get(0);
    assertThat(Duration.between(asked.createdAt(), asked.expiresAt()))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(Duration.between(request.createdAt(), request.expiresAt()))
        .isEqualTo(ReefOptions.DEFAULT_REQUEST_EXPIRY);
    assertThat(reef.stats().pendingAsks()).isEqualTo(1);
    ask.cancel(true);
    await().atMost(WAIT).until(() -> reef.stats().pendingAsks() == 0);
  }

  @Test
  void askersMailboxIsConsumedOnlyWhileTheAskIsOpen() {
    reef.subscribe("bob", s -> reef.reply(s, "bob", Map.of("ok", true)));

    reef.ask("alice", "bob", null, WAIT).join();
    reef.send("bob", "alice", Map.of("later", 1)).join();

    assertThat(reef.agents()).contains("alice");
    assertThat(backend.hub().mailboxDepth(reef.name(), "alice"))
        .as("nobody consumes alice's mailbox once the ask ended: the spore waits")
        .isEqualTo(1);
  }

  @Test
  void concurrentAsksOfOneAgentEachGetTheirOwnAnswerAndLeaveNothingOpen() throws Exception {
    reef.subscribe("bob", s -> reef.reply(s, "bob", Map.of("echo", s.knowledge().get("n"))));
    int asks = 200;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Spore>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < asks; i++) {
        int n = i;
        answers.add(
            CompletableFuture.supplyAsync(
                    () -> reef.ask("alice", "bob", Map.of("n", n), WAIT), pool)
                .thenCompose(f -> f));
      }
      for (int i = 0; i < asks; i++) {
        assertThat(
                ((Number) answers.get(i).get(10, TimeUnit.SECONDS).knowledge().get("echo"))
                    .intValue())
            .isEqualTo(i);
      }
    } finally {
      pool.shutdownNow();
    }
    await().atMost(WAIT).until(() -> reef.stats().pendingAsks() == 0);
    assertThat(reef.stats().agent(reef.name(), "alice", SporeEvent.HANDLED))
        .as("alice has no handler: every answer went to its ask")
        .isEqualTo(asks);
  }

  @Test
  void handlerMayAskAnotherAgentOfTheSameReefAndWaitForTheAnswer() {
    reef.subscribe("carol", s -> reef.reply(s, "carol", Map.of("fact", 7)));
    reef.subscribe(
        "bob",
        s -> {
          Spore fact = reef.ask("bob", "carol", null, WAIT).join(); // blocks bob's mailbox
          reef.reply(s, "bob", Map.of("answer", fact.knowledge().get("fact")));
        });

    Spore answer = reef.ask("alice", "bob", null, WAIT).join();

    assertThat(answer.knowledge()).isEqualTo(Map.of("answer", 7));
    // bob's handler is still returning when alice's ask completes: wait for it to settle.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.HANDLED))
                    .isEqualTo(2));
  }

  @Test
  void lateResponseToAnEndedAskIsCountedAndNotHandedToHandlers() {
    List<Spore> requests = new CopyOnWriteArrayList<>();
    reef.subscribe("bob", requests::add);
    List<Spore> aliceHandler = new CopyOnWriteArrayList<>();
    reef.subscribe("alice", aliceHandler::add);

    CompletableFuture<Spore> ask = reef.ask("alice", "bob", null, Duration.ofMillis(100));
    assertThatThrownBy(ask::join).hasCauseInstanceOf(RequestTimeoutException.class);
    reef.reply(requests.get(0), "bob", Map.of("late", true)).join();

    await()
        .atMost(WAIT)
        .until(() -> reef.stats().agent(reef.name(), "alice", SporeEvent.EXPIRED) == 1);
    assertThat(aliceHandler).isEmpty();
  }

  @Test
  void sporeForAnAgentWithoutHandlersDuringAnAskIsRetriedThenDeadLettered() {
    reef.subscribe("bob", s -> {});
    CompletableFuture<Spore> ask = reef.ask("alice", "bob", null, WAIT);

    reef.send("bob", "alice", Map.of("not", "a response")).join();

    await().atMost(WAIT).until(() -> backend.deadLetters().size() == 1);
    assertThat(backend.deadLetters().get(0).error()).contains("no handler");
    assertThat(ask).isNotDone();
  }

  @Test
  void replyAddressesTheRequesterAndNamesTheCause() {
    reef.declareMailbox("alice");
    Spore request =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("alice")
            .toAgent("bob")
            .correlationId("c-1")
            .build();

    Spore reply = reef.reply(request, "bob", Map.of("a", 1)).join();

    assertThat(reply.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(reply.toAgent()).isEqualTo("alice");
    assertThat(reply.replyTo()).isEqualTo(request.id());
    assertThat(reply.causationId()).isEqualTo(request.id());
    assertThat(reply.correlationId()).isEqualTo("c-1");
  }

  @Test
  void gatherToAnUnknownAgentFailsWithUnknownAgent() {
    reef.subscribe("bob", s -> reef.reply(s, "bob", null));

    CompletableFuture<GatherResult> gather =
        reef.gather("alice", List.of("bob", "nobody"), null, GatherOptions.ofDefaults());

    assertThatThrownBy(gather::join).hasCauseInstanceOf(UnknownAgentException.class);
    await().atMost(WAIT).until(() -> reef.stats().pendingAsks() == 0);
  }

  @Test
  void undirectedGatherWithNobodyElseCompletesAtOnce() {
    GatherResult result = reef.gather("alice", List.of(), null, GatherOptions.ofDefaults()).join();

    assertThat(result.replies()).isEmpty();
    assertThat(result.missing()).isEmpty();
    assertThat(result.timedOut()).isFalse();
  }

  @Test
  void asyncHandlerReturningNullFailsTheAttempt() {
    AtomicInteger calls = new AtomicInteger();
    reef.subscribeAsync(
        "bob",
        s -> {
          calls.incrementAndGet();
          return null;
        });

    reef.send("alice", "bob", null);

    await().atMost(WAIT).until(() -> backend.deadLetters().size() == 1);
    assertThat(calls.get()).isEqualTo(2);
    assertThat(backend.deadLetters().get(0).error()).contains("returned null");
  }

  @Test
  void unsubscribeOfAnUnknownAgentIsHarmless() {
    reef.unsubscribe("nobody");
    assertThat(reef.agents()).doesNotContain("nobody");
  }

  @Test
  void statsSnapshotIsImmutableAndCountsDenials() {
    reefWith(ReefOptions.custom().authorizer(r -> false).build());
    reef.declareMailbox("bob");

    assertThatThrownBy(() -> reef.send("alice", "bob", null).join())
        .hasCauseInstanceOf(UnauthorizedException.class);

    ReefStats stats = reef.stats();
    assertThat(stats.agent(reef.name(), "alice", SporeEvent.DENIED)).isEqualTo(1);
    assertThat(stats.agent(reef.name(), "alice", SporeEvent.SEND_FAILED)).isEqualTo(1);
    assertThat(stats.total(SporeEvent.DENIED)).isEqualTo(1);
    assertThatThrownBy(() -> stats.channels().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void closeFailsPendingAsksAndIsIdempotent() {
    reef.subscribe("bob", s -> {});
    CompletableFuture<Spore> ask = reef.ask("alice", "bob", null, Duration.ofMinutes(1));

    reef.close();
    reef.close();

    assertThatThrownBy(ask::join).hasCauseInstanceOf(ReefClosedException.class);
    assertThat(reef.stats().pendingAsks()).isZero();
    assertThatThrownBy(() -> reef.declareMailbox("x")).isInstanceOf(ReefClosedException.class);
  }

  /**
   * A backend with a direct reply path on every channel but {@code plain}: an in-memory backend
   * that records the requests of asks and lets the test play the responses that come back.
   */
  private static final class DirectReplyBackend extends dev.reef.spi.ForwardingBackend {
    final List<Spore> requests = new CopyOnWriteArrayList<>();
    volatile dev.reef.spi.BackendListener listener;

    DirectReplyBackend() {
      super(InMemoryBackend.create());
    }

    @Override
    public void start(dev.reef.spi.BackendListener listener) {
      this.listener = listener;
      delegate.start(listener);
    }

    @Override
    public boolean directReplies(String channel) {
      return !channel.equals("plain");
    }

    @Override
    public CompletableFuture<Spore> publishRequest(String channel, Spore request) {
      requests.add(request);
      return delegate.publish(channel, request);
    }
  }

  private static Spore response(Spore request, String from) {
    return Spore.builder()
        .type(SporeType.RESPONSE)
        .fromAgent(from)
        .toAgent(request.fromAgent())
        .replyTo(request.id())
        .knowledge(Map.of("ok", true))
        .build();
  }

  @Test
  void askOnADirectReplyChannelTakesTheResponseTheBackendBringsBack() {
    DirectReplyBackend direct = new DirectReplyBackend();
    reef.close();
    reef = Reef.create(direct);
    reef.declareMailbox("bob");

    CompletableFuture<Spore> ask = reef.ask("alice", "bob", null, WAIT);
    assertThat(direct.requests).hasSize(1).first().extracting(Spore::toAgent).isEqualTo("bob");
    Spore answer = response(direct.requests.get(0), "bob");
    direct.listener.onDirectReply(reef.name(), answer);

    assertThat(ask.join()).isSameAs(answer);
    // The same response again, after the ask ended: counted, not handed to anyone.
    direct.listener.onDirectReply(reef.name(), answer);
    assertThat(reef.stats().agent(reef.name(), "alice", SporeEvent.EXPIRED)).isEqualTo(1);
    // A direct reply that is not a directed response is counted as malformed.
    direct.listener.onDirectReply(reef.name(), direct.requests.get(0));
    assertThat(reef.stats().agent(reef.name(), "bob", SporeEvent.MALFORMED)).isEqualTo(1);
  }

  @Test
  void asksOnlyThroughTheDirectPathFailAtOnceWhenItsRepliesAreLost() {
    DirectReplyBackend direct = new DirectReplyBackend();
    reef.close();
    reef = Reef.create(direct);
    reef.declareMailbox("bob");
    reef.channel("plain").declareMailbox("bob");

    CompletableFuture<Spore> directAsk = reef.ask("alice", "bob", null, WAIT);
    CompletableFuture<Spore> plainAsk = reef.channel("plain").ask("alice", "bob", null, WAIT);
    assertThat(direct.requests).as("only the direct channel's ask asked for it").hasSize(1);
    direct.listener.onDirectRepliesLost("the connection was lost");

    assertThatThrownBy(directAsk::join)
        .cause()
        .isExactlyInstanceOf(ReefException.class)
        .hasMessageContaining("can no longer arrive")
        .hasMessageContaining("the connection was lost");
    assertThat(plainAsk).isNotDone();
    plainAsk.cancel(true);
  }
}
