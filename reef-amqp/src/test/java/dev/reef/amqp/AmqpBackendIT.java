package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.reef.PublishException;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.UnknownAgentException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TcpProxy;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.MailboxSubscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The AMQP backend's semantics and wire format on a real broker, through the SPI. */
@ExtendWith(RabbitMqBroker.class)
class AmqpBackendIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final List<AmqpBackend> backends = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
  private TestBroker broker;
  private String channel;
  private String dlq;

  @AfterEach
  void closeBackends() {
    for (AmqpBackend b : backends) {
      b.close(Duration.ofSeconds(2));
    }
  }

  private AmqpBackend backend(TestBroker broker, Consumer<AmqpBackend.Builder> custom) {
    if (this.broker == null) {
      this.broker = broker;
      channel = TestBroker.unique("ch");
      broker.deleteExchangeAfter("reef." + channel);
      String dlx = broker.deleteExchangeAfter(TestBroker.unique("reef.dlx"));
      dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead"));
      dlxName = dlx;
    }
    AmqpBackend.Builder b =
        AmqpBackend.builder()
            .uri(broker.uri())
            .deadLetterExchange(dlxName)
            .deadLetterQueue(dlq)
            .retryPolicy(
                RetryPolicy.custom()
                    .maxAttempts(3)
                    .initialBackoff(Duration.ofMillis(20))
                    .maxBackoff(Duration.ofMillis(100))
                    .build());
    custom.accept(b);
    AmqpBackend backend = b.build();
    backend.start(
        (event, ch, agent, spore, error) ->
            events.add(event + " " + agent + " " + (spore == null ? "-" : spore.id())));
    backends.add(backend);
    return backend;
  }

  private String dlxName;

  private AmqpBackend backend(TestBroker broker) {
    return backend(broker, b -> {});
  }

  private String mailbox(String agent) {
    return broker.deleteQueueAfter("reef." + channel + "." + agent);
  }

  private static Spore spore(String from, String to, String text) {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent(from)
        .toAgent(to)
        .knowledge(Map.of("text", text))
        .build();
  }

  private static String text(Spore s) {
    return (String) s.knowledge().get("text");
  }

  /** Subscribes and records the text of each spore handed over. */
  private MailboxSubscription record(AmqpBackend b, String agent, List<String> into) {
    mailbox(agent);
    return b.consume(
        channel,
        agent,
        (spore, attempt) -> {
          into.add(text(spore));
          return CompletableFuture.completedFuture(null);
        });
  }

  @Test
  void directedSporesReachOnlyTheirMailboxAndBroadcastsEveryoneButTheSender(TestBroker broker) {
    AmqpBackend b = backend(broker);
    List<String> alice = new CopyOnWriteArrayList<>();
    List<String> bob = new CopyOnWriteArrayList<>();
    List<String> carol = new CopyOnWriteArrayList<>();
    record(b, "alice", alice);
    record(b, "bob", bob);
    record(b, "carol", carol);

    b.publish(channel, spore("alice", "bob", "for-bob")).join();
    Spore broadcast =
        Spore.builder()
            .type(SporeType.BROADCAST)
            .fromAgent("alice")
            .knowledge(Map.of("text", "hello-all"))
            .build();
    b.publish(channel, broadcast).join();
    // Published after the broadcast on the same thread: alice's queue holds the broadcast first.
    b.publish(channel, spore("bob", "alice", "for-alice")).join();

    await().atMost(WAIT).until(() -> alice.size() == 1 && bob.size() == 2 && carol.size() == 1);
    assertThat(alice).containsExactly("for-alice");
    assertThat(bob).containsExactly("for-bob", "hello-all");
    assertThat(carol).containsExactly("hello-all");
  }

  @Test
  void directedSporeToAnUnknownAgentFailsWithATypedError(TestBroker broker) {
    AmqpBackend b = backend(broker);
    b.declareMailbox(channel, "alice");
    mailbox("alice");

    assertThatThrownBy(() -> b.publish(channel, spore("alice", "nobody", "lost")).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            UnknownAgentException.class, e -> assertThat(e.agent()).isEqualTo("nobody"));
    assertThat(events).anyMatch(e -> e.startsWith("UNROUTABLE nobody"));

    // An undirected spore that only the sender's own mailbox (or nobody) would get is no error.
    Spore lonely = spore("alice", null, "anyone?");
    assertThat(b.publish(channel, lonely).join()).isEqualTo(lonely);
    String empty = TestBroker.unique("empty");
    broker.deleteExchangeAfter("reef." + empty);
    assertThat(b.publish(empty, spore("x", null, "void")).join()).isNotNull();
  }

  @Test
  void sporesWaitInADeclaredMailboxWhileTheAgentIsOffline(TestBroker broker) {
    AmqpBackend sender = backend(broker);
    sender.declareMailbox(channel, "bob");
    mailbox("bob");
    for (int i = 0; i < 3; i++) {
      sender.publish(channel, spore("alice", "bob", "offline-" + i)).join();
    }
    sender.close(Duration.ofSeconds(2));

    AmqpBackend receiver = backend(broker);
    List<String> got = new CopyOnWriteArrayList<>();
    record(receiver, "bob", got);
    await().atMost(WAIT).until(() -> got.size() == 3);
    assertThat(got).containsExactly("offline-0", "offline-1", "offline-2");
  }

  @Test
  void priorityReordersABacklog(TestBroker broker) {
    AmqpBackend b = backend(broker);
    b.declareMailbox(channel, "bob");
    for (int p : new int[] {1, 5, 10, 3, 8, 2}) {
      Spore s =
          Spore.builder()
              .type(SporeType.KNOWLEDGE)
              .fromAgent("alice")
              .toAgent("bob")
              .priority(p)
              .knowledge(Map.of("text", "p" + p))
              .build();
      b.publish(channel, s).join();
    }
    List<String> got = new CopyOnWriteArrayList<>();
    record(b, "bob", got);
    await().atMost(WAIT).until(() -> got.size() == 6);
    assertThat(got).containsExactly("p10", "p8", "p5", "p3", "p2", "p1");
  }

  @Test
  void anExpiredSporeIsNeverHandedToAHandler(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker);
    b.declareMailbox(channel, "bob");
    mailbox("bob");
    // Expires in the broker (TTL from the expiration property) while bob is offline.
    Spore shortLived =
        spore("alice", "bob", "short-lived").toBuilder().expiresIn(Duration.ofMillis(300)).build();
    b.publish(channel, shortLived).join();
    // Expired on arrival at the consumer: the broker's TTL would keep it, the consumer must not.
    Map<String, Object> headers = new HashMap<>();
    headers.put("from_agent", "alice");
    headers.put("to_agent", "bob");
    headers.put("expires_at", "2020-01-01T00:00:00");
    try (Channel raw = broker.connection().createChannel()) {
      raw.basicPublish(
          "reef." + channel,
          "agent.bob.knowledge",
          new AMQP.BasicProperties.Builder()
              .messageId("stale-1")
              .headers(headers)
              .deliveryMode(2)
              .build(),
          "{\"text\":\"stale\"}".getBytes(StandardCharsets.UTF_8));
    }
    await().atMost(WAIT).until(shortLived::isExpired);
    b.publish(channel, spore("alice", "bob", "fresh")).join();

    List<String> got = new CopyOnWriteArrayList<>();
    record(b, "bob", got);
    await().atMost(WAIT).until(() -> got.contains("fresh"));
    await().atMost(WAIT).until(() -> broker.messageCount(dlq) == 2);
    assertThat(got).containsExactly("fresh");
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      GetResponse r = broker.get(dlq, WAIT);
      reasons.add(r.getProps().getMessageId() + ":" + deadReason(r.getProps()));
    }
    assertThat(reasons).containsExactlyInAnyOrder(shortLived.id() + ":expired", "stale-1:expired");
    assertThat(events).contains("EXPIRED bob stale-1");
  }

  /** Our reason header, or the broker's x-death reason for TTL expiry in the queue. */
  private static String deadReason(AMQP.BasicProperties p) {
    Object ours = p.getHeaders().get("x-reef-dead-reason");
    if (ours != null) {
      return ours.toString();
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> deaths = (List<Map<String, Object>>) p.getHeaders().get("x-death");
    return deaths.get(0).get("reason").toString();
  }

  @Test
  void aFailingHandlerIsRetriedWithBackoffThenDeadLetteredWithItsError(TestBroker broker)
      throws Exception {
    AmqpBackend b = backend(broker);
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    List<String> handled = new CopyOnWriteArrayList<>();
    mailbox("bob");
    b.consume(
        channel,
        "bob",
        (spore, attempt) -> {
          if (text(spore).equals("poison")) {
            attempts.add(attempt);
            throw new IllegalStateException("boom on attempt " + attempt);
          }
          if (text(spore).equals("flaky") && attempt == 1) {
            return CompletableFuture.failedFuture(new RuntimeException("transient"));
          }
          handled.add(text(spore) + "@" + attempt);
          return CompletableFuture.completedFuture(null);
        });
    Spore poison = spore("alice", "bob", "poison");
    b.publish(channel, poison).join();
    b.publish(channel, spore("alice", "bob", "flaky")).join();
    b.publish(channel, spore("alice", "bob", "good")).join();

    GetResponse dead = broker.get(dlq, WAIT);
    assertThat(attempts).containsExactly(1, 2, 3);
    await().atMost(WAIT).until(() -> handled.size() == 2);
    assertThat(handled).containsExactlyInAnyOrder("good@1", "flaky@2");
    Map<String, Object> h = dead.getProps().getHeaders();
    assertThat(dead.getProps().getMessageId()).isEqualTo(poison.id());
    assertThat(h.get("x-reef-dead-reason").toString()).isEqualTo("handler_failed");
    assertThat(h.get("x-reef-error").toString())
        .contains("IllegalStateException")
        .contains("boom on attempt 3");
    assertThat(h.get("x-reef-attempts")).isEqualTo(3);
    assertThat(h.get("from_agent").toString()).isEqualTo("alice");
    assertThat(JSON.readTree(dead.getBody())).isEqualTo(JSON.readTree("{\"text\":\"poison\"}"));
    assertThat(events.stream().filter(e -> e.equals("RETRIED bob " + poison.id())).count())
        .isEqualTo(2);
    assertThat(events).contains("DEAD_LETTERED bob " + poison.id());
    await().atMost(WAIT).until(() -> b.backlog() == 0);
    assertThat(broker.messageCount(mailbox("bob"))).isZero();
  }

  @Test
  void aSporeIsSettledOnlyWhenTheHandlersStageCompletes(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    List<String> got = new CopyOnWriteArrayList<>();
    String queue = mailbox("bob");
    MailboxSubscription sub =
        b.consume(
            channel,
            "bob",
            (spore, attempt) -> {
              got.add(text(spore));
              return gate;
            });
    b.publish(channel, spore("alice", "bob", "slow")).join();
    await().atMost(WAIT).until(() -> got.size() == 1);
    assertThat(b.backlog()).isEqualTo(1);
    gate.complete(null);
    await().atMost(WAIT).until(() -> b.backlog() == 0);
    sub.close();
    // Had it not been acknowledged, closing the consumer's channel would have requeued it.
    await().atMost(WAIT).until(() -> broker.messageCount(queue) == 0);
    assertThat(got).containsExactly("slow");
  }

  @Test
  void malformedWireInputIsDeadLetteredAndTheConsumerKeepsGoing(TestBroker broker)
      throws Exception {
    AmqpBackend b = backend(broker, x -> x.maxBodyBytes(1000));
    List<String> got = new CopyOnWriteArrayList<>();
    record(b, "bob", got);
    try (Channel raw = broker.connection().createChannel()) {
      publishRaw(raw, "bad-json", Map.of("from_agent", "alice"), "not json");
      publishRaw(raw, "no-from", Map.of("to_agent", "bob"), "{}");
      publishRaw(raw, "bad-priority", Map.of("from_agent", "alice", "priority", "11"), "{}");
      publishRaw(
          raw, "too-big", Map.of("from_agent", "alice"), "{\"x\":\"" + "y".repeat(2000) + "\"}");
    }
    b.publish(channel, spore("alice", "bob", "good")).join();
    await().atMost(WAIT).until(() -> got.contains("good"));
    await().atMost(WAIT).until(() -> broker.messageCount(dlq) == 4);
    Map<String, String> reasons = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      GetResponse r = broker.get(dlq, WAIT);
      assertThat(r.getProps().getHeaders().get("x-reef-dead-reason").toString())
          .isEqualTo("malformed");
      reasons.put(
          r.getProps().getMessageId(), r.getProps().getHeaders().get("x-reef-error").toString());
    }
    assertThat(reasons.get("bad-json")).contains("not JSON");
    assertThat(reasons.get("no-from")).contains("from_agent");
    assertThat(reasons.get("bad-priority")).contains("priority");
    assertThat(reasons.get("too-big")).contains("exceeds the limit");
    assertThat(got).containsExactly("good");
    assertThat(events.stream().filter(e -> e.startsWith("MALFORMED bob")).count()).isEqualTo(4);
  }

  private void publishRaw(Channel raw, String id, Map<String, Object> headers, String body)
      throws Exception {
    raw.basicPublish(
        "reef." + channel,
        "agent.bob.knowledge",
        new AMQP.BasicProperties.Builder().messageId(id).headers(new HashMap<>(headers)).build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void wireFormatOfAPublishedSpore(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker);
    b.declareMailbox(channel, "bob");
    String queue = mailbox("bob");
    Instant created = Instant.parse("2026-11-22T01:02:03.456789Z");
    Spore s =
        Spore.builder()
            .type(SporeType.RESPONSE)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(Map.of("answer", 42, "text", "héllo"))
            .createdAt(created)
            .expiresAt(Instant.now().plusSeconds(60))
            .priority(7)
            .replyTo("request-1")
            .traceId("trace-1")
            .metadata(Map.of("lang", "en"))
            .build();
    b.publish(channel, s).join();

    GetResponse r = broker.get(queue, WAIT);
    AMQP.BasicProperties p = r.getProps();
    assertThat(r.getEnvelope().getExchange()).isEqualTo("reef." + channel);
    assertThat(r.getEnvelope().getRoutingKey()).isEqualTo("agent.bob.response");
    assertThat(p.getMessageId()).isEqualTo(s.id());
    assertThat(p.getType()).isEqualTo("response");
    assertThat(p.getPriority()).isEqualTo(7);
    assertThat(p.getDeliveryMode()).isEqualTo(2);
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getContentEncoding()).isEqualTo("utf-8");
    assertThat(p.getCorrelationId()).isEqualTo("request-1");
    assertThat(p.getTimestamp().toInstant())
        .isEqualTo(Instant.ofEpochSecond(created.getEpochSecond()));
    long expirationMs = Long.parseLong(p.getExpiration());
    assertThat(expirationMs).isBetween(50_000L, 60_000L);
    Map<String, String> h =
        p.getHeaders().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()));
    assertThat(h)
        .containsOnlyKeys(
            "spore_type",
            "from_agent",
            "to_agent",
            "created_at",
            "expires_at",
            "version",
            "trace_id",
            "x-reef-metadata")
        .containsEntry("from_agent", "alice")
        .containsEntry("to_agent", "bob")
        .containsEntry("created_at", "2026-11-22T01:02:03.456789Z")
        .containsEntry("version", "1.0")
        .containsEntry("trace_id", "trace-1");
    assertThat(Instant.parse(h.get("expires_at"))).isEqualTo(s.expiresAt());
    assertThat(JSON.readTree(h.get("x-reef-metadata")))
        .isEqualTo(JSON.readTree("{\"lang\":\"en\"}"));
    assertThat(JSON.readTree(r.getBody()))
        .isEqualTo(JSON.readTree("{\"answer\":42,\"text\":\"héllo\"}"));
  }

  @Test
  void pravalLayoutChannelWritesPravalsStringHeaders(TestBroker broker) throws Exception {
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    AmqpBackend b = backend(broker, x -> x.pravalChannel(channel, exchange));
    b.declareMailbox(channel, "bob");
    String queue = mailbox("bob");
    Spore s = spore("alice", "bob", "hi").toBuilder().priority(9).build();
    b.publish(channel, s).join();

    GetResponse r = broker.get(queue, WAIT);
    assertThat(r.getEnvelope().getExchange()).isEqualTo(exchange);
    assertThat(r.getEnvelope().getRoutingKey()).isEqualTo("agent.bob.knowledge");
    Map<String, Object> h = r.getProps().getHeaders();
    assertThat(h).hasSize(14);
    assertThat(h.values()).allMatch(v -> v instanceof LongString);
    assertThat(h.get("spore_id").toString()).isEqualTo(s.id());
    assertThat(h.get("priority").toString()).isEqualTo("9");
    assertThat(h.get("reply_to").toString()).isEmpty();
    assertThat(h.get("expires_at").toString()).isEmpty();
    assertThat(h.get("created_at").toString()).doesNotContain("Z").doesNotContain("+");
  }

  @Test
  void consumingAMailboxDeletedSinceItWasDeclaredDeclaresItAgain(TestBroker broker)
      throws Exception {
    AmqpBackend b = backend(broker);
    String queue = mailbox("bob");
    b.declareMailbox(channel, "bob");
    try (Channel ch = broker.connection().createChannel()) {
      ch.queueDelete(queue);
    }
    List<String> got = new CopyOnWriteArrayList<>();

    MailboxSubscription sub =
        b.consume(
            channel,
            "bob",
            (spore, attempt) -> {
              got.add(text(spore));
              return CompletableFuture.completedFuture(null);
            });
    b.publish(channel, spore("alice", "bob", "after")).get(10, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> got.size() == 1);
    assertThat(got).containsExactly("after");
    sub.close();
    // Attached again without declaring: the mailbox is known to exist.
    b.consume(channel, "bob", (spore, attempt) -> CompletableFuture.completedFuture(null)).close();
  }

  @Test
  void aConnectionLossFailsOutstandingConfirmsAndRecovers(TestBroker broker) throws Exception {
    URI target = URI.create(broker.uri());
    try (TcpProxy proxy =
        new TcpProxy(target.getHost(), target.getPort() == -1 ? 5672 : target.getPort())) {
      String viaProxy = viaProxy(target, proxy);
      AmqpBackend b =
          backend(broker, x -> x.uri(viaProxy).recoveryInterval(Duration.ofMillis(200)));
      Set<String> got = ConcurrentHashMap.newKeySet();
      mailbox("bob");
      b.consume(
          channel,
          "bob",
          (spore, attempt) -> {
            got.add(text(spore));
            return CompletableFuture.completedFuture(null);
          });
      List<CompletableFuture<Spore>> futures = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        futures.add(b.publish(channel, spore("alice", "bob", "n" + i)));
      }
      // Some spores are surely confirmed before the cut, however slow the machine is.
      await().atMost(WAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
      for (int i = 300; i < 1000; i++) {
        futures.add(b.publish(channel, spore("alice", "bob", "n" + i)));
        if (i == 400) {
          proxy.cut();
        }
      }
      await().atMost(WAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
      Set<String> confirmed = new HashSet<>();
      for (int i = 0; i < futures.size(); i++) {
        CompletableFuture<Spore> f = futures.get(i);
        if (f.isCompletedExceptionally()) {
          assertThatThrownBy(f::join).cause().isInstanceOf(PublishException.class);
        } else {
          confirmed.add("n" + i);
        }
      }
      // After recovery, publishing and consuming work again, and no confirmed spore is lost.
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> b.publish(channel, spore("alice", "bob", "after")).join() != null);
      await().atMost(WAIT).until(() -> got.contains("after") && got.containsAll(confirmed));
      assertThat(confirmed).isNotEmpty();
    }
  }

  @Test
  void aChannelErrorFailsThePublishTypedAndThePublisherRecovers(TestBroker broker)
      throws Exception {
    AmqpBackend b = backend(broker, x -> x.publisherChannels(1));
    List<String> got = new CopyOnWriteArrayList<>();
    record(b, "bob", got);
    b.publish(channel, spore("alice", "bob", "before")).join();
    try (Channel raw = broker.connection().createChannel()) {
      raw.exchangeDelete("reef." + channel);
    }

    assertThatThrownBy(() -> b.publish(channel, spore("alice", "bob", "lost")).join())
        .cause()
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("NOT_FOUND");
    // The exchange is declared again; the deleted exchange took the mailbox's bindings with it.
    b.declareMailbox(channel, "bob");
    b.publish(channel, spore("alice", "bob", "after")).join();
    await().atMost(WAIT).until(() -> got.contains("after"));
    assertThat(got).containsExactly("before", "after");
  }

  @Test
  void quorumMailboxesDeliverAndRetry(TestBroker broker) throws Exception {
    AmqpBackend b = backend(broker, x -> x.quorumMailboxes(true));
    List<String> got = new CopyOnWriteArrayList<>();
    String queue = mailbox("bob");
    b.consume(
        channel,
        "bob",
        (spore, attempt) -> {
          if (attempt == 1) {
            throw new IllegalStateException("first attempt fails");
          }
          got.add(text(spore) + "@" + attempt);
          return CompletableFuture.completedFuture(null);
        });
    b.publish(channel, spore("alice", "bob", "q")).join();
    await().atMost(WAIT).until(() -> got.contains("q@2"));
    // Declaring it as a classic queue now fails: it really is a quorum queue. (The refusal
    // closes the raw channel, which is then left to the connection's clean-up.)
    Channel raw = broker.connection().createChannel();
    Map<String, Object> classic =
        Map.of("x-dead-letter-exchange", dlxName, "x-queue-type", "classic");
    assertThatThrownBy(() -> raw.queueDeclare(queue, true, false, false, classic))
        .hasStackTraceContaining("inequivalent arg 'x-queue-type'");
  }

  @Test
  void aFullConfirmWindowFailsTypedAndConfirmsThatNeverComeFailAfterTheTimeout(TestBroker broker)
      throws Exception {
    URI target = URI.create(broker.uri());
    try (TcpProxy proxy =
        new TcpProxy(target.getHost(), target.getPort() == -1 ? 5672 : target.getPort())) {
      AmqpBackend b =
          backend(
              broker,
              x ->
                  x.uri(viaProxy(target, proxy))
                      .publisherChannels(1)
                      .confirmWindow(3)
                      .publishTimeout(Duration.ofMillis(300))
                      .confirmTimeout(Duration.ofSeconds(1)));
      b.declareMailbox(channel, "bob");
      mailbox("bob");
      proxy.pauseDownstream(); // the broker's confirms are held back

      List<CompletableFuture<Spore>> inWindow = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        inWindow.add(b.publish(channel, spore("alice", "bob", "w" + i)));
      }
      CompletableFuture<Spore> overflow = b.publish(channel, spore("alice", "bob", "overflow"));
      assertThat(overflow).isCompletedExceptionally();
      assertThatThrownBy(overflow::join)
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("confirm window");
      // None of the three is forgotten: each fails once its confirm is overdue.
      await().atMost(WAIT).until(() -> inWindow.stream().allMatch(CompletableFuture::isDone));
      for (CompletableFuture<Spore> f : inWindow) {
        assertThatThrownBy(f::join)
            .cause()
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("no publisher confirm");
      }

      proxy.resumeDownstream();
      assertThat(b.publish(channel, spore("alice", "bob", "after")).get(10, TimeUnit.SECONDS))
          .isNotNull();
    }
  }

  @Test
  void aMailboxDeletedUnderItsConsumerIsDeclaredAgainAndConsumed(TestBroker broker)
      throws Exception {
    AmqpBackend b = backend(broker);
    List<String> got = new CopyOnWriteArrayList<>();
    String queue = mailbox("bob");
    record(b, "bob", got);
    b.publish(channel, spore("alice", "bob", "one")).join();
    await().atMost(WAIT).until(() -> got.contains("one"));
    try (Channel raw = broker.connection().createChannel()) {
      raw.queueDelete(queue);
    }
    // Until the consumer has declared its mailbox again, the agent is unknown.
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> b.publish(channel, spore("alice", "bob", "two")).join() != null);
    await().atMost(WAIT).until(() -> got.contains("two"));
    assertThat(got).containsExactly("one", "two");
  }

  @Test
  void aMessageTheClientRefusesFailsTypedWithoutShiftingOtherConfirms(TestBroker broker)
      throws Exception {
    AmqpBackend b = backend(broker, x -> x.publisherChannels(1));
    List<String> got = new CopyOnWriteArrayList<>();
    record(b, "bob", got);
    // Metadata travels in a header: 300 KB of it cannot fit in one 128 KiB frame.
    Spore huge =
        spore("alice", "bob", "huge").toBuilder()
            .metadata(Map.of("big", "m".repeat(300_000)))
            .build();
    assertThatThrownBy(() -> b.publish(channel, huge).join())
        .cause()
        .isInstanceOf(PublishException.class);
    for (int i = 0; i < 3; i++) {
      b.publish(channel, spore("alice", "bob", "ok" + i)).get(10, TimeUnit.SECONDS);
    }
    await().atMost(WAIT).until(() -> got.size() == 3);
    assertThat(got).containsExactly("ok0", "ok1", "ok2");
  }

  private static String viaProxy(URI target, TcpProxy proxy) {
    return "amqp://"
        + (target.getRawUserInfo() == null ? "" : target.getRawUserInfo() + "@")
        + "127.0.0.1:"
        + proxy.port()
        + (target.getRawPath() == null ? "" : target.getRawPath());
  }
}
